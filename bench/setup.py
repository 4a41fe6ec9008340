"""Django set-up for the bench scripts: its own database unless DATABASE_URL says otherwise."""

from __future__ import annotations

import os
from pathlib import Path


def django_setup() -> None:
    """Configure Django. Without DATABASE_URL the bench uses var/bench.sqlite3, never the
    development database; the schema and Kenya's reference data are brought up to date."""
    root = Path(__file__).resolve().parent.parent
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpims.settings")
    if not os.environ.get("DATABASE_URL"):
        var = Path(os.environ.get("CPIMS_VAR_DIR", root / "var"))
        var.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from cpims.site.reference import load_all

    load_all()

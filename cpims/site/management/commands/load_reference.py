"""Load Kenya's reference data: areas, DCS code lists, the DCS office skeleton and default roles.

Safe to re-run: existing rows are matched by their official code and left in place.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cpims.site.reference import load_all


class Command(BaseCommand):
    help = "Load Kenya's reference data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_all()
        if options["verbosity"] > 0:
            for name, count in summary.items():
                self.stdout.write(f"{name}: {count}")

"""Backups restore: the integrity checks pass on the live database and on a restored dump, whose
counts equal the source's; a drill (dump, restore into a scratch database, check, drop) runs on
PostgreSQL in every PostgreSQL pass of the suite."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from cpims.audit.models import AuditEvent
from cpims.cases.models import Case
from cpims.registry.models import Counter, Person

ROOT = Path(settings.BASE_DIR)
BASH = shutil.which("bash") or "/bin/bash"


def _check() -> dict[str, Any]:
    out = io.StringIO()
    call_command("check_integrity", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def westlands_case(cast: Any) -> Any:
    from cpims.cases.tests.conftest import open_case

    return open_case(cast.nairobi_officer, cast.westlands_office)


def test_the_checks_pass_and_count_the_records(westlands_case: Any) -> None:
    report = _check()
    assert report["problems"] == []
    assert report["counts"]["cases"] == Case.objects.count() == 1
    assert report["counts"]["people"] == Person.objects.count()
    assert report["counts"]["audit"] == AuditEvent.objects.count()


def test_a_counter_behind_the_numbers_issued_fails(westlands_case: Any) -> None:
    Counter.objects.filter(name="person").update(value=0)
    with pytest.raises(CommandError, match="counter"):
        call_command("check_integrity")


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.mark.django_db(transaction=True)
def test_restore_drill(cast: Any, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the drill dumps and restores PostgreSQL (it runs in the suite's PostgreSQL pass)")
    from cpims.cases.tests.conftest import open_case

    open_case(cast.nairobi_officer, cast.westlands_office)
    env = {**os.environ, "DATABASE_URL": _url(connection.settings_dict["NAME"]), "BACKUP_DIR": str(tmp_path)}
    backup = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [BASH, "scripts/backup.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert backup.returncode == 0, backup.stderr
    dump = backup.stdout.strip().splitlines()[-1]
    assert Path(dump).stat().st_size > 0 and Path(dump).stat().st_mode & 0o077 == 0
    drill = subprocess.run(  # noqa: S603
        [BASH, "scripts/restore-drill.sh", dump],
        cwd=ROOT,
        env={**os.environ, "ADMIN_URL": _url("postgres"), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert drill.returncode == 0, drill.stdout + drill.stderr
    restored = json.loads(drill.stdout.strip().splitlines()[-1])
    assert restored["problems"] == []
    assert restored["counts"] == {
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "services": 0,
        "placements": 0,
        "audit": AuditEvent.objects.count(),
    }

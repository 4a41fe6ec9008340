"""manage.py dhis2_push against the fake DHIS2 server."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("dhis2_push", *args, stdout=out)
    return out.getvalue()


def test_dry_run_for_one_county(cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any) -> None:
    out = _run("--period", period.code, "--county", "047", "--dry-run", "--user", "national_me")
    assert f"Dry run {period.code} ({period.dhis2}), 1 org units, 3 values built, 0 sent: WARNING" in out
    assert "Dry run: 3 values built, nothing sent." in out and "placeholder" in out  # the shipped mapping
    assert fake_dhis2.requests == []


def test_runs_as_the_configured_account(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    from cpims.integrations.dhis2.models import PushLog

    server.run_as = cast.national_me
    server.save()
    out = _run("--period", period.code)
    assert "Push" in out and "imported=6" in out
    assert PushLog.objects.get().actor == cast.national_me


def test_conflicts_are_printed_and_fail_the_command(
    cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    from cpims.integrations.dhis2.tests.conftest import summary

    fake_dhis2.respond(409, summary("ERROR", conflicts=[{"object": "2026Q3", "value": "Period is locked"}]))
    with pytest.raises(CommandError, match="error"):
        _run("--period", period.code, "--user", "national_me")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13", "--user", "national_me"], "not a reporting period"),
        (["--period", "2026/27-Q1", "--county", "999", "--user", "national_me"], "not a county code"),
        (["--period", "2026/27-Q1"], "--user"),
        (["--period", "2026/27-Q1", "--user", "nobody"], "No active user"),
        (["--period", "2026/27-Q1", "--user", "nairobi_coordinator"], "may not push"),
    ],
)
def test_bad_input_is_a_clear_error(cast: Any, server: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_server_down_fails_the_command(
    cast: Any, server: Any, closed_port_url: str, nairobi_cases: Any, period: Any
) -> None:
    server.base_url = closed_port_url
    server.save()
    with pytest.raises(CommandError, match="failed"):
        _run("--period", period.code, "--user", "national_me")

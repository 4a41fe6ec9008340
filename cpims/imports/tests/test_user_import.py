"""Kind 2, user accounts with a role: created inactive, through accounts' own actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.accounts.models import User
from cpims.imports import actions
from cpims.imports.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["username", "first_name", "last_name", "email", "phone", "role", "org_unit_code", "language"]
GOOD = ["officer_t1", "Test", "Officer", "t1@example.invalid", "", "subcounty_officer", "DCS-SC274", "sw"]


def test_clean_file_imports_inactive_accounts(cast: Any) -> None:
    batch, report = actions.import_upload(actor=cast.nairobi_coordinator, kind="users", upload=xlsx(HEADERS, [GOOD]))
    assert report.is_clean and not User.objects.filter(username="officer_t1").exists()
    assert actions.import_run(actor=cast.nairobi_coordinator, batch=batch).committed
    user = User.objects.get(username="officer_t1")
    assert not user.is_active and user.preferred_language == "sw"
    assert user.assignments.get().role.code == "subcounty_officer"


def test_bad_rows_show_every_error_and_write_nothing(cast: Any) -> None:
    rows = [
        GOOD,
        ["", "No", "Name", "", "", "no_such_role", "NOPE", "fr"],
        ["officer_t3", "Too", "Wide", "", "", "system_admin", "DCS-SC274", "en"],  # wider than the coordinator
        ["nairobi_officer", "Taken", "Name", "", "", "subcounty_officer", "DCS-SC274", "en"],
    ]
    batch, report = actions.import_upload(actor=cast.nairobi_coordinator, kind="users", upload=xlsx(HEADERS, rows))
    by_row = {r.number: r for r in report.results}
    assert by_row[2].status == "ok"
    assert {c for c, _m in by_row[3].errors} == {"username", "role", "org_unit_code", "language"}
    assert by_row[4].status == "error" and by_row[5].errors[0][0] == "username"
    assert not actions.import_run(actor=cast.nairobi_coordinator, batch=batch).committed
    assert not User.objects.filter(username__in=["officer_t1", "officer_t3"]).exists()


def test_another_countys_unit_is_a_row_error(cast: Any) -> None:
    batch, report = actions.import_upload(actor=cast.turkana_coordinator, kind="users", upload=xlsx(HEADERS, [GOOD]))
    assert report.error_count == 1  # Westlands is not a unit the Turkana coordinator can see
    assert not actions.import_run(actor=cast.turkana_coordinator, batch=batch).committed


def test_injection_cell_is_neutralised(cast: Any) -> None:
    row = ["officer_t1", "@SUM(A1)", "Officer", "", "", "subcounty_officer", "DCS-SC274", "en"]
    batch, report = actions.import_upload(actor=cast.nairobi_coordinator, kind="users", upload=xlsx(HEADERS, [row]))
    assert report.results[0].neutralised == ["first_name"]
    actions.import_run(actor=cast.nairobi_coordinator, batch=batch)
    assert User.objects.get(username="officer_t1").first_name == "SUM(A1)"


def test_over_the_limit_is_refused(cast: Any, settings: Any) -> None:
    settings.CPIMS_IMPORT_MAX_ROWS = 1
    with pytest.raises(ValidationError):
        actions.import_upload(actor=cast.nairobi_coordinator, kind="users", upload=xlsx(HEADERS, [GOOD, GOOD]))


def test_read_only_may_not_import(cast: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.import_upload(actor=cast.stakeholder, kind="users", upload=xlsx(HEADERS, [GOOD]))

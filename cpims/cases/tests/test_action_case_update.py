from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cpims.cases import actions
from cpims.cases.models import CaseEvent
from cpims.cases.tests.conftest import categories, code


def test_update_changes_fields_and_categories(cast: Any, westlands_case: Any) -> None:
    case = actions.case_update(
        actor=cast.nairobi_officer,
        case=westlands_case,
        expected_version=westlands_case.version,
        notes="Met the child at school.",
        police_ob_number="OB/12/2025",
        categories=categories("CSIC"),
        long_term_needs=[code("long_term_support_id", "LSES")],
    )
    assert case.version == westlands_case.version + 1
    assert case.notes == "Met the child at school."
    assert case.categories.count() == 1
    event = CaseEvent.objects.filter(case=case, kind="update").get()
    assert set(event.details["changed"]) == {"notes", "police_ob_number", "categories", "long_term_needs"}


def test_nothing_changed_writes_nothing(cast: Any, westlands_case: Any) -> None:
    case = actions.case_update(
        actor=cast.nairobi_officer, case=westlands_case, expected_version=westlands_case.version, notes=""
    )
    assert case.version == westlands_case.version
    assert not CaseEvent.objects.filter(case=case, kind="update").exists()


def test_stale_save_is_refused_showing_what_changed(cast: Any, westlands_case: Any) -> None:
    opened_version = westlands_case.version
    actions.case_update(
        actor=cast.nairobi_coordinator, case=westlands_case, expected_version=opened_version, police_ob_number="OB/1"
    )
    with pytest.raises(actions.StaleEdit) as exc:
        actions.case_update(
            actor=cast.nairobi_officer, case=westlands_case, expected_version=opened_version, notes="Mine"
        )
    message = exc.value.messages[0]
    assert "police OB number" in message and "nairobi_coordinator" in message
    westlands_case.refresh_from_db()
    assert westlands_case.notes == "" and westlands_case.police_ob_number == "OB/1"


def test_stale_transition_is_refused(cast: Any, westlands_case: Any) -> None:
    opened_version = westlands_case.version
    actions.case_update(actor=cast.nairobi_officer, case=westlands_case, expected_version=None, notes="x")
    with pytest.raises(actions.StaleEdit):
        actions.case_assessment_start(actor=cast.nairobi_officer, case=westlands_case, expected_version=opened_version)
    westlands_case.refresh_from_db()
    assert westlands_case.status == "reported"


def test_read_only_and_sensitive(cast: Any, westlands_case: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.case_update(actor=cast.national_me, case=westlands_case, expected_version=None, notes="x")
    # The officer holds case.view_sensitive; a case worker without it may not change those fields.
    case = actions.case_update(
        actor=cast.nairobi_officer, case=westlands_case, expected_version=None, hiv_status="negative"
    )
    assert case.hiv_status == "negative"

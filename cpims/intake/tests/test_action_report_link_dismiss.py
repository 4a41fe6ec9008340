from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.audit.models import AuditEvent
from cpims.cases.models import CaseEvent
from cpims.cases.tests.conftest import open_case
from cpims.intake.actions import report_dismiss, report_link_case


def test_link_to_a_case(cast: Any, report: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    report_link_case(actor=cast.nairobi_officer, report=report, case=case, note="Same child, new incident.")
    report.refresh_from_db()
    assert report.status == "linked" and report.case == case and report.triage_note == "Same child, new incident."
    event = CaseEvent.objects.get(case=case, kind="intake_linked")
    assert report.reference in event.summary
    assert AuditEvent.objects.filter(action="intake.triage", details__outcome="linked").count() == 1


def test_link_to_a_case_outside_scope_is_refused(cast: Any, turkana_report: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    with pytest.raises(ValidationError):
        report_link_case(actor=cast.turkana_officer, report=turkana_report, case=case)
    turkana_report.refresh_from_db()
    assert turkana_report.status == "new"


def test_link_twice_is_refused(cast: Any, report: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    report_link_case(actor=cast.nairobi_officer, report=report, case=case)
    with pytest.raises(ValidationError, match="already triaged"):
        report_link_case(actor=cast.nairobi_officer, report=report, case=case)
    assert CaseEvent.objects.filter(case=case, kind="intake_linked").count() == 1


def test_dismiss_with_reason(cast: Any, report: Any) -> None:
    report_dismiss(actor=cast.nairobi_officer, report=report, reason="not_cp", note="Adult matter.")
    report.refresh_from_db()
    assert report.status == "dismissed" and report.dismiss_reason == "not_cp"
    event = AuditEvent.objects.get(action="intake.triage")
    assert event.details == {"outcome": "dismissed", "reason": "not_cp"}


@pytest.mark.parametrize(
    ("reason", "note", "field"), [("", "", "reason"), ("bogus", "", "reason"), ("other", "", "note")]
)
def test_dismiss_needs_a_reason(cast: Any, report: Any, reason: str, note: str, field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        report_dismiss(actor=cast.nairobi_officer, report=report, reason=reason, note=note)
    assert field in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == "new"


def test_dismiss_twice_is_refused(cast: Any, report: Any) -> None:
    report_dismiss(actor=cast.nairobi_officer, report=report, reason="duplicate")
    with pytest.raises(ValidationError, match="already triaged"):
        report_dismiss(actor=cast.nairobi_coordinator, report=report, reason="other", note="x")
    report.refresh_from_db()
    assert report.triaged_by == cast.nairobi_officer


def test_dismiss_outside_scope_or_without_permission(cast: Any, report: Any) -> None:
    for user in (cast.turkana_officer, cast.partner, cast.national_me):
        with pytest.raises(PermissionDenied):
            report_dismiss(actor=user, report=report, reason="duplicate")

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.audit.models import AuditEvent
from cpims.cases.models import Case
from cpims.cases.tests.conftest import categories, code, make_child
from cpims.intake.actions import report_dismiss, report_open_case
from cpims.intake.tests.conftest import westlands_ward
from cpims.registry.actions import PersonInput
from cpims.registry.models import Person


def _open(actor: Any, report: Any, office: Any, **extra: Any) -> Any:
    return report_open_case(
        actor=actor,
        report=report,
        office=office,
        reporter_type=code("case_reporter_id", "CRON"),
        categories=categories("CSIC", "CSNG"),
        **extra,
    )


def test_open_for_a_registered_child(cast: Any, report: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    case = _open(cast.nairobi_officer, report, cast.westlands_office, child=child)
    report.refresh_from_db()
    assert report.status == "case_opened" and report.case == case
    assert report.triaged_by == cast.nairobi_officer and report.triaged_at is not None
    assert case.child == child and case.categories.count() == 2
    assert case.reporter_name == "Reporter Testname" and case.notes == report.what_happened
    assert case.event_sub_county == report.sub_county
    assert AuditEvent.objects.filter(action="case.open", details__via="intake").count() == 1
    event = AuditEvent.objects.get(action="intake.triage")
    assert event.details == {"outcome": "case_opened", "case": str(case.public_id)}


def test_open_registering_a_new_child(cast: Any, report: Any) -> None:
    new_child = PersonInput(first_name="Amani", last_name="Testchild", sex="female", age_years=9, ward=westlands_ward())
    case = _open(cast.nairobi_officer, report, cast.westlands_office, new_child=new_child)
    assert case.child.first_name == "Amani" and case.child.kind == "child"
    assert AuditEvent.objects.filter(action="person.create", details__via="intake").exists()


def test_anonymous_reporter_stays_anonymous_on_the_case(cast: Any) -> None:
    from cpims.intake.tests.conftest import make_report

    report = make_report(anonymous=True)
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    case = _open(cast.nairobi_officer, report, cast.westlands_office, child=child)
    assert case.reporter_name == "" and case.reporter_contact == ""


def test_bad_case_data_writes_nothing(cast: Any, report: Any) -> None:
    new_child = PersonInput(first_name="Amani", last_name="Testchild", sex="female", age_years=9, ward=westlands_ward())
    with pytest.raises(ValidationError):
        report_open_case(
            actor=cast.nairobi_officer,
            report=report,
            office=cast.westlands_office,
            reporter_type=None,
            categories=[],
            new_child=new_child,
        )
    report.refresh_from_db()
    assert report.status == "new"
    assert Case.objects.count() == 0 and not Person.objects.filter(first_name="Amani").exists()
    assert not AuditEvent.objects.filter(action__in=["intake.triage", "person.create"]).exists()


def test_child_or_new_child_exactly_one(cast: Any, report: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _open(cast.nairobi_officer, report, cast.westlands_office)
    assert "child" in exc.value.message_dict


def test_double_triage_is_refused(cast: Any, report: Any) -> None:
    report_dismiss(actor=cast.nairobi_coordinator, report=report, reason="duplicate")
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    with pytest.raises(ValidationError) as exc:
        _open(cast.nairobi_officer, report, cast.westlands_office, child=child)
    assert "already triaged" in str(exc.value) and "nairobi_coordinator" in str(exc.value)
    assert Case.objects.count() == 0


def test_stale_copy_is_refused_too(cast: Any, report: Any) -> None:
    from cpims.intake.models import IntakeReport

    stale = IntakeReport.objects.get(pk=report.pk)  # read before someone else triaged it
    report_dismiss(actor=cast.nairobi_officer, report=report, reason="duplicate")
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    with pytest.raises(ValidationError):
        _open(cast.nairobi_officer, stale, cast.westlands_office, child=child)
    stale.refresh_from_db()
    assert stale.status == "dismissed" and stale.case is None


def test_outside_scope_is_refused(cast: Any, report: Any) -> None:
    child = make_child(cast.turkana_officer, cast.turkana_central_office)
    with pytest.raises(PermissionDenied):
        _open(cast.turkana_officer, report, cast.turkana_central_office, child=child)
    with pytest.raises(PermissionDenied):
        _open(cast.partner, report, cast.nairobi_ngo, child=child)
    report.refresh_from_db()
    assert report.status == "new"

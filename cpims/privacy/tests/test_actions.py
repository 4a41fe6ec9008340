"""The register actions: permission, validation, the audited correction, refusal, closing, and
the breach register's notices, affected children and closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.core.edits import StaleEdit
from cpims.privacy import actions, queries
from cpims.privacy.models import SubjectRequest
from cpims.privacy.tests.conftest import record_breach, register

pytestmark = pytest.mark.django_db


def test_register_sets_reference_and_due_date(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    received = timezone.localdate() - dt.timedelta(days=1)
    req = register(dpo, child, received_on=received)
    assert req.reference == f"DSR-{received.year}-{req.pk:05d}"
    assert req.due_on == received + dt.timedelta(days=7)
    event = AuditEvent.objects.get(action="subject_request.register")
    assert event.object_label == req.reference and "Rehema" not in str(event.details)


def test_only_the_dpo_may_register(cast: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    with pytest.raises(PermissionDenied):
        register(cast.nairobi_coordinator, child)


def test_register_refuses_bad_input(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    with pytest.raises(ValidationError) as exc:
        register(
            dpo,
            child,
            kind="bogus",
            requester_name=" ",
            identity_checked="other",
            received_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert {"kind", "requester_name", "identity_note", "received_on"} <= set(exc.value.message_dict)
    assert not SubjectRequest.objects.exists()


def test_access_request_closes_only_after_export_and_review(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child)
    with pytest.raises(ValidationError):
        actions.subject_request_complete(actor=dpo, subject_request=req, expected_version=req.version)
    req = actions.subject_request_export(actor=dpo, subject_request=req)
    req = actions.subject_request_review(actor=dpo, subject_request=req, expected_version=req.version)
    req = actions.subject_request_complete(actor=dpo, subject_request=req, expected_version=req.version)
    assert req.status == "completed" and req.closed_on == timezone.localdate()
    with pytest.raises(ValidationError):
        actions.subject_request_refuse(actor=dpo, subject_request=req, reason="x", expected_version=req.version)


def test_stale_version_is_refused(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child)
    old = req.version
    actions.subject_request_export(actor=dpo, subject_request=req)
    with pytest.raises(StaleEdit):
        actions.subject_request_review(actor=dpo, subject_request=req, expected_version=old)


def test_correction_changes_the_record_audited(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child, kind="correction")
    req = actions.subject_request_correct(
        actor=dpo, subject_request=req, field="first_name", value="Zawadie", expected_version=req.version
    )
    child.refresh_from_db()
    assert child.first_name == "Zawadie"
    assert [c["field"] for c in req.corrections] == ["first_name"]
    event = AuditEvent.objects.get(action="person.update", object_id=str(child.public_id), actor=dpo)
    assert event.details == {"fields": ["first_name"], "via": "subject_request", "request": req.reference}
    assert child.history.count() >= 2  # the change is in the record's history
    req = actions.subject_request_complete(actor=dpo, subject_request=req, expected_version=req.version)
    assert req.status == "completed"


@pytest.mark.parametrize(
    ("field", "value"),
    [("first_name", ""), ("date_of_birth", "not a date"), ("date_of_birth", "2999-01-01"), ("sex", "male")],
)
def test_correction_refuses_bad_values(dpo: Any, child_file: Any, field: str, value: str) -> None:
    child, _case, _other = child_file
    req = register(dpo, child, kind="correction")
    with pytest.raises(ValidationError):
        actions.subject_request_correct(
            actor=dpo, subject_request=req, field=field, value=value, expected_version=req.version
        )


def test_correction_only_on_a_correction_request(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child)
    with pytest.raises(ValidationError):
        actions.subject_request_correct(
            actor=dpo, subject_request=req, field="village", value="Kangemi", expected_version=req.version
        )


def test_refusal_needs_a_reason(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    req = register(dpo, child)
    with pytest.raises(ValidationError):
        actions.subject_request_refuse(actor=dpo, subject_request=req, reason="  ", expected_version=req.version)
    req = actions.subject_request_refuse(
        actor=dpo, subject_request=req, reason="Identity not proven.", expected_version=req.version
    )
    assert req.status == "refused" and req.refusal_reason == "Identity not proven."


def test_dpo_task_list_shows_open_requests_by_due_date(dpo: Any, child_file: Any, cast: Any) -> None:
    from cpims.cases.tasks import tasks_for

    child, _case, _other = child_file
    req = register(dpo, child, received_on=timezone.localdate() - dt.timedelta(days=10))
    breach = record_breach(dpo)
    tasks = [t for t in tasks_for(dpo) if t.source == "privacy"]
    assert [t.case_number for t in tasks] == [req.reference, breach.reference]
    assert tasks[0].overdue
    assert not [t for t in tasks_for(cast.nairobi_coordinator) if t.source == "privacy"]


# --- breaches -------------------------------------------------------------------------------------


def test_breach_record_and_clock(dpo: Any) -> None:
    discovered = timezone.now() - dt.timedelta(hours=80)
    breach = record_breach(dpo, discovered_at=discovered)
    assert breach.reference.startswith("BR-")
    assert breach.notify_by == discovered + dt.timedelta(hours=72)
    assert queries.breach_clock(breach).overdue


def test_breach_refuses_future_discovery_and_reversed_window(dpo: Any) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        record_breach(
            dpo,
            discovered_at=now + dt.timedelta(days=1),
            occurred_from=now - dt.timedelta(hours=1),
            occurred_to=now - dt.timedelta(hours=2),
        )
    assert {"discovered_at", "occurred_to"} <= set(exc.value.message_dict)


def test_only_the_dpo_may_record_a_breach(cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        record_breach(cast.admin)


def test_commissioner_notice_stops_the_clock(dpo: Any) -> None:
    breach = record_breach(dpo, discovered_at=timezone.now() - dt.timedelta(hours=5))
    sent = timezone.now() - dt.timedelta(hours=1)
    actions.breach_notice_add(actor=dpo, breach=breach, kind="commissioner", sent_at=sent, method="Online form")
    actions.breach_notice_add(actor=dpo, breach=breach, kind="subjects", sent_at=timezone.now(), method="SMS")
    breach.refresh_from_db()
    assert breach.commissioner_notified_at == sent and breach.subjects_informed_at is not None
    clock = queries.breach_clock(breach, now=timezone.now() + dt.timedelta(days=10))
    assert not clock.overdue and not clock.notified_late
    with pytest.raises(ValidationError):
        actions.breach_notice_add(
            actor=dpo,
            breach=breach,
            kind="commissioner",
            sent_at=breach.discovered_at - dt.timedelta(hours=1),
            method="x",
        )


def test_children_touched_by_a_user_in_a_window(dpo: Any, cast: Any, child_file: Any) -> None:
    child, _case, other = child_file
    start, end = timezone.now() - dt.timedelta(hours=1), timezone.now() + dt.timedelta(minutes=1)
    touched = queries.children_touched(dpo, actor=cast.nairobi_officer, start=start, end=end)
    numbers = {p.cpims_number for p in touched.people}
    assert {child.cpims_number, other.cpims_number} <= numbers
    assert queries.children_touched(dpo, actor=cast.turkana_officer, start=start, end=end).people == []
    earlier = queries.children_touched(dpo, actor=cast.nairobi_officer, start=start - dt.timedelta(days=2), end=start)
    assert earlier.people == []
    with pytest.raises(PermissionDenied):
        queries.children_touched(cast.national_me, actor=cast.nairobi_officer, start=start, end=end)


def test_add_touched_children_and_close(dpo: Any, cast: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    breach = record_breach(dpo)
    start, end = timezone.now() - dt.timedelta(hours=1), timezone.now() + dt.timedelta(minutes=1)
    added = actions.breach_people_add(actor=dpo, breach=breach, touched_by=cast.nairobi_officer, start=start, end=end)
    assert added >= 2 and breach.people.filter(pk=child.pk).exists()
    assert (
        actions.breach_people_add(actor=dpo, breach=breach, touched_by=cast.nairobi_officer, start=start, end=end) == 0
    )
    breach.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.breach_close(actor=dpo, breach=breach, closure_note="", expected_version=breach.version)
    breach = actions.breach_close(
        actor=dpo, breach=breach, closure_note="Phone wiped remotely.", expected_version=breach.version
    )
    assert breach.status == "closed"
    labels = set(AuditEvent.objects.filter(object_id=str(breach.public_id)).values_list("action", flat=True))
    assert labels == {"breach.record", "breach.people_add", "breach.close"}

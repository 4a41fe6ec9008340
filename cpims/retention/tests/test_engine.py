"""The retention job on generated data: the dry run changes nothing, the real run anonymises what
is due and keeps what is held, and the caseload facts and reports are the same before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.cases.models import Case, CaseEvent, Perpetrator, ServiceRecord
from cpims.intake.models import IntakeReport
from cpims.registry.models import Identifier, Person
from cpims.reporting import facts
from cpims.reporting.models import (
    CaseFact,
    CaseloadMonth,
    CaseMonth,
    CategoryMonth,
    ReferralFact,
    ServiceFact,
    TransferFact,
)
from cpims.retention import actions
from cpims.retention.models import Erasure, RetentionRule

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, Any]:
    """Every figure the reports are made from (the facts and the roll-ups), minus the timestamps
    that only say when a fact was built."""
    skip = {"id", "case_updated_at", "child_updated_at", "referral_updated_at"}

    def rows(model: Any) -> list[tuple[Any, ...]]:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        return sorted(model.objects.values_list(*names), key=repr)

    return {
        m.__name__: rows(m)
        for m in (CaseFact, ServiceFact, ReferralFact, TransferFact, CaseMonth, CategoryMonth, CaseloadMonth)
    }


def caseload_figures(user: Any) -> Any:
    from cpims.core.periods import Period, fy_start_year
    from cpims.reporting import queries

    years = {fy_start_year(f.reported_on) for f in CaseFact.objects.all()}
    tables = [queries.caseload_table(user, period=Period.financial_year(y)) for y in sorted(years)]
    return [(t.counts, t.row_totals, t.grand_total) for t in tables]


def reviewed_dry_run(admin: Any) -> Any:
    dry = actions.run(actor=admin, dry_run=True)
    return actions.run_review(actor=admin, run=dry)


def test_dry_run_reports_and_changes_nothing(cast: Any, generated: Any) -> None:
    before = snapshot()
    names = list(Person.objects.order_by("pk").values_list("first_name", "last_name"))

    run = actions.run(actor=cast.admin, dry_run=True)

    cases = run.report["closed_case"]
    assert cases["due"] == 7
    assert cases["held"] == {"legal_hold": 1, "court": 1}
    assert cases["done"] == 0
    assert list(Person.objects.order_by("pk").values_list("first_name", "last_name")) == names
    assert Perpetrator.objects.count() == 8
    assert not Erasure.objects.exists()
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="retention.dry_run", object_id=str(run.public_id)).exists()


def test_real_run_refused_until_a_dry_run_is_reviewed(cast: Any, generated: Any) -> None:
    with pytest.raises(ValidationError):
        actions.run(actor=cast.admin, dry_run=False)
    dry = actions.run(actor=cast.admin, dry_run=True)
    with pytest.raises(ValidationError):
        actions.run(actor=cast.admin, dry_run=False)  # not reviewed yet
    assert AuditEvent.objects.filter(action="retention.run_refused").count() == 2
    actions.run_review(actor=cast.admin, run=dry)
    assert actions.real_run_refusal() is None
    rule = RetentionRule.objects.get(kind="audit_event")
    actions.rule_update(actor=cast.admin, rule=rule, period=7, unit="years", enabled=True, reason="x")
    assert actions.real_run_refusal() is not None  # the schedule changed after the review


def test_real_run_anonymises_due_keeps_held_and_reports_unchanged(cast: Any, generated: Any) -> None:
    before = snapshot()
    figures = caseload_figures(cast.national_me)
    assert sum(total or 0 for _c, _r, total in figures) >= 8  # every case counted
    reviewed_dry_run(cast.admin)

    run = actions.run(actor=cast.admin, dry_run=False)

    assert run.report["closed_case"]["done"] == 5
    assert run.report["closed_case"]["people"] == 5
    for case in generated.due:
        case = Case.objects.get(pk=case.pk)
        assert (case.reporter_name, case.notes) == ("", "")
        assert case.status == "closed" and case.categories.exists()  # what the facts read stays
        assert not Perpetrator.objects.filter(case=case).exists()
        assert not CaseEvent.objects.filter(case=case).exists()
        assert ServiceRecord.objects.get(case=case).notes == ""
        child = Person.objects.get(pk=case.child_id)
        assert (child.first_name, child.last_name, child.phone, child.village) == ("", "", "", "")
        assert child.sex and child.date_of_birth  # the facts' sex and age
        assert not Identifier.objects.filter(person=child).exists()
        assert not child.name_tokens.exists()
        assert set(child.history.values_list("first_name", flat=True)) == {""}  # the history too
    for case in generated.held + generated.recent:
        case = Case.objects.get(pk=case.pk)
        assert case.reporter_name == "Reporter Testname"
        assert Perpetrator.objects.filter(case=case).exists()
        assert Person.objects.get(pk=case.child_id).first_name
        assert Identifier.objects.filter(person_id=case.child_id).exists()

    facts.catch_up(sweep=True)
    assert snapshot() == before
    facts.rebuild_all()
    assert snapshot() == before
    assert caseload_figures(cast.national_me) == figures
    batch = AuditEvent.objects.get(action="retention.anonymise")
    assert batch.details == {"kind": "closed_case", "cases": 5, "people": 5}

    again = actions.run(actor=cast.admin, dry_run=False)  # nothing left to do
    assert again.report["closed_case"]["done"] == 0


def test_releasing_a_hold_lets_the_next_run_anonymise(cast: Any, generated: Any) -> None:
    from cpims.retention.models import LegalHold

    reviewed_dry_run(cast.admin)
    actions.run(actor=cast.admin, dry_run=False)
    held = generated.held[0]
    actions.hold_release(actor=cast.admin, hold=LegalHold.objects.get(case=held))
    run = actions.run(actor=cast.admin, dry_run=False)
    assert run.report["closed_case"]["done"] == 1
    assert Case.objects.get(pk=held.pk).reporter_name == ""


def test_a_hold_on_the_child_or_an_open_case_holds_every_case(cast: Any, generated: Any) -> None:
    from cpims.cases.tests.conftest import open_case

    first, second = generated.due[0], generated.due[1]
    actions.hold_place(actor=cast.admin, person=first.child, reason="Court case (synthetic)")
    open_case(cast.nairobi_officer, cast.westlands_office, child=second.child)  # the child is back
    report = actions.run(actor=cast.admin, dry_run=True).report["closed_case"]
    assert report["held"] == {"legal_hold": 2, "court": 1, "open_case": 1}


def test_deletes_dismissed_intake_old_audit_events_and_downloads(cast: Any, generated: Any) -> None:
    from cpims.audit.actions import audit_record
    from cpims.reporting.models import Download

    old = timezone.now() - dt.timedelta(days=365 * 7)
    event = audit_record(actor=cast.admin, action="auth.login")
    with transaction.atomic():
        if connection.vendor == "postgresql":  # the test ages the event past the append-only triggers
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = 'replica'")
        AuditEvent.objects.filter(pk=event.pk).update(at=old)
    download = Download.objects.create(owner=cast.national_me, kind="caseload")
    Download.objects.filter(pk=download.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    fresh = Download.objects.create(owner=cast.national_me, kind="caseload")
    office = cast.westlands_office
    intake = {
        "channel": "public",
        "what_happened": "Synthetic concern.",
        "county": office.county,
        "status": "dismissed",
    }
    dismissed = IntakeReport.objects.create(
        reference="RT-OLD-1", triaged_at=timezone.now() - dt.timedelta(days=400), **intake
    )
    recent = IntakeReport.objects.create(
        reference="RT-NEW-1", triaged_at=timezone.now() - dt.timedelta(days=30), **intake
    )
    reviewed_dry_run(cast.admin)

    run = actions.run(actor=cast.admin, dry_run=False)

    assert not AuditEvent.objects.filter(pk=event.pk).exists()
    assert list(IntakeReport.objects.filter(pk__in=[dismissed.pk, recent.pk]).values_list("pk", flat=True)) == [
        recent.pk
    ]
    assert run.report["dismissed_intake"]["done"] == 1
    assert run.report["audit_event"]["done"] == 1
    assert list(Download.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert AuditEvent.objects.filter(action="retention.delete", details__kind="download").exists()


def test_only_a_retention_manager_may_run(cast: Any, generated: Any) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (cast.national_me, cast.nairobi_coordinator):
        with pytest.raises(PermissionDenied):
            actions.run(actor=user, dry_run=True)

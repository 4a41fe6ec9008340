from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.cases.models import CaseAccess, CaseEvent
from cpims.referrals import actions
from cpims.referrals.models import Referral
from cpims.referrals.tests.conftest import code, give_consent, refer


def test_lifecycle_sent_accepted_service_completed(cast: Any, westlands_case: Any) -> None:
    referral = refer(cast, westlands_case, service_requested=code("referral_type_id", "RMPC"))
    assert referral.status == Referral.Status.SENT
    assert referral.consent is not None and not referral.consent_overridden
    assert referral.destination_type.code == "RDNA"  # an NGO: non-state actor
    assert (referral.answer_due_on - referral.sent_on).days == 2  # urgent
    assert not CaseAccess.objects.filter(case=westlands_case, org_unit=cast.nairobi_ngo).exists()

    referral = actions.referral_accept(actor=cast.partner, referral=referral)
    assert referral.status == Referral.Status.ACCEPTED and referral.answered_by == cast.partner
    access = CaseAccess.objects.get(case=westlands_case, org_unit=cast.nairobi_ngo, reason="referral")
    assert referral.access == access and access.is_active

    record = actions.referral_service_record(
        actor=cast.partner,
        referral=referral,
        service=code("intervention_id", "CMTN"),
        given_on=timezone.localdate(),
        notes="Two sessions",
    )
    assert record.provider == cast.nairobi_ngo and record.case == westlands_case
    assert list(referral.services.all()) == [record]

    referral = actions.referral_complete(actor=cast.partner, referral=referral, notes="Done")
    assert referral.status == Referral.Status.COMPLETED
    access.refresh_from_db()
    # The unit keeps access for the grace period (30 days by default), then loses it.
    assert access.is_active and access.expires_at is not None
    assert 29 <= (access.expires_at - timezone.now()).days <= 30

    kinds = list(CaseEvent.objects.filter(case=westlands_case).values_list("kind", flat=True))
    for kind in ("referral_sent", "referral_accepted", "service", "referral_completed", "access_expiry"):
        assert kind in kinds
    actions_audited = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"case.referral_sent", "case.referral_accepted", "case.referral_completed"} <= actions_audited


def test_decline_with_reason(cast: Any, referral: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.referral_decline(actor=cast.partner, referral=referral, reason=" ")
    assert "reason" in exc.value.message_dict
    referral = actions.referral_decline(actor=cast.partner, referral=referral, reason="No capacity this month")
    assert referral.status == Referral.Status.DECLINED and referral.decline_reason == "No capacity this month"
    assert not CaseAccess.objects.filter(org_unit=cast.nairobi_ngo).exists()
    assert AuditEvent.objects.filter(action="case.referral_declined").count() == 1


def test_double_answers_refused(cast: Any, referral: Any) -> None:
    stale = Referral.objects.get(pk=referral.pk)
    actions.referral_accept(actor=cast.partner, referral=referral)
    for attempt in (
        lambda: actions.referral_accept(actor=cast.partner, referral=stale),
        lambda: actions.referral_decline(actor=cast.partner, referral=stale, reason="late"),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.code == "stale"
    actions.referral_complete(actor=cast.partner, referral=referral, notes="Done")
    with pytest.raises(ValidationError):
        actions.referral_complete(actor=cast.partner, referral=stale, notes="again")
    assert AuditEvent.objects.filter(action="case.referral_accepted").count() == 1
    assert AuditEvent.objects.filter(action="case.referral_completed").count() == 1


def test_only_the_receiving_unit_answers(cast: Any, referral: Any) -> None:
    for user in (cast.nairobi_officer, cast.nairobi_coordinator, cast.turkana_officer, cast.national_me):
        with pytest.raises(PermissionDenied):
            actions.referral_accept(actor=user, referral=referral)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT


def test_complete_needs_a_service_or_notes(cast: Any, referral: Any) -> None:
    actions.referral_accept(actor=cast.partner, referral=referral)
    with pytest.raises(ValidationError) as exc:
        actions.referral_complete(actor=cast.partner, referral=referral)
    assert "notes" in exc.value.message_dict
    assert CaseAccess.objects.get(org_unit=cast.nairobi_ngo).is_active


def test_consent_required(cast: Any, westlands_case: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.referral_send(actor=cast.nairobi_officer, case=westlands_case, to_unit=cast.nairobi_ngo, reason="x")
    assert "consent" in exc.value.message_dict
    # Consent for another unit, or withdrawn consent, does not count.
    give_consent(cast.nairobi_officer, westlands_case.child, cast.nairobi_office)
    from cpims.registry.actions import consent_withdraw

    consent = give_consent(cast.nairobi_officer, westlands_case.child, cast.nairobi_ngo)
    consent_withdraw(actor=cast.nairobi_officer, consent=consent, withdrawn_on=timezone.localdate())
    with pytest.raises(ValidationError):
        actions.referral_send(actor=cast.nairobi_officer, case=westlands_case, to_unit=cast.nairobi_ngo, reason="x")
    assert not Referral.objects.exists()


def test_override_refused_without_permission(cast: Any, westlands_case: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.referral_send(
            actor=cast.nairobi_officer,
            case=westlands_case,
            to_unit=cast.nairobi_ngo,
            reason="x",
            consent_override=True,
            override_reason="Child in danger",
        )
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.override").exists()


def test_override_with_permission_is_audited(cast: Any, westlands_case: Any, override_officer: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.referral_send(
            actor=override_officer, case=westlands_case, to_unit=cast.nairobi_ngo, reason="x", consent_override=True
        )
    assert "override_reason" in exc.value.message_dict
    referral = actions.referral_send(
        actor=override_officer,
        case=westlands_case,
        to_unit=cast.nairobi_ngo,
        reason="Needs shelter tonight",
        urgency="emergency",
        consent_override=True,
        override_reason="Guardian unreachable; child at risk",
    )
    assert referral.consent_overridden and referral.consent is None
    event = AuditEvent.objects.get(action="consent.override")
    assert event.actor == override_officer and event.object_id == str(referral.public_id)
    assert event.details["case"] == str(westlands_case.public_id)
    assert AuditEvent.objects.get(action="case.referral_sent").details["consent"] == "override"


def test_send_validation(cast: Any, westlands_case: Any, referral: Any) -> None:
    # A second open referral to the same unit is refused.
    with pytest.raises(ValidationError) as exc:
        actions.referral_send(actor=cast.nairobi_officer, case=westlands_case, to_unit=cast.nairobi_ngo, reason="x")
    assert "to_unit" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.referral_send(
            actor=cast.nairobi_officer,
            case=westlands_case,
            to_unit=cast.westlands_office,
            reason="",
            urgency="whenever",
            service_requested=code("intervention_id", "CMTN"),
        )
    assert {"to_unit", "reason", "urgency", "service_requested"} <= set(exc.value.message_dict)
    # No referral rights over the case: Turkana, the read-only national officer.
    for user in (cast.turkana_officer, cast.national_me):
        with pytest.raises(PermissionDenied):
            actions.referral_send(actor=user, case=westlands_case, to_unit=cast.nairobi_ngo, reason="x")
    assert Referral.objects.count() == 1


def test_access_shared_by_two_referrals_ends_with_the_last(cast: Any, westlands_case: Any) -> None:
    first = refer(cast, westlands_case)
    actions.referral_accept(actor=cast.partner, referral=first)
    actions.referral_complete(actor=cast.partner, referral=first, notes="Done")
    second = refer(cast, westlands_case, reason="Back again")
    actions.referral_accept(actor=cast.partner, referral=second)
    # The first referral's access runs out after its grace period; the second has its own.
    assert CaseAccess.objects.active().filter(org_unit=cast.nairobi_ngo, expires_at__isnull=True).count() == 1
    actions.referral_complete(actor=cast.partner, referral=second, notes="Done")
    assert not CaseAccess.objects.active().filter(org_unit=cast.nairobi_ngo, expires_at__isnull=True).exists()


def test_closed_case_cannot_be_referred(cast: Any, westlands_case: Any) -> None:
    from cpims.cases.tests.conftest import advance

    case = advance(westlands_case, cast, "closed")
    give_consent(cast.nairobi_officer, case.child, cast.nairobi_ngo)
    with pytest.raises(ValidationError) as exc:
        actions.referral_send(actor=cast.nairobi_officer, case=case, to_unit=cast.nairobi_ngo, reason="x")
    assert "case" in exc.value.message_dict


def test_accept_gives_access_in_the_receivers_name(cast: Any, referral: Any) -> None:
    from cpims.cases.models import CaseEvent

    actions.referral_accept(actor=cast.partner, referral=referral)
    grant = AuditEvent.objects.get(action="case.access_grant")
    assert grant.actor_id == cast.partner.pk
    assert grant.details["referral"] == str(referral.public_id)
    assert CaseEvent.objects.get(case=referral.case, kind="access_grant").actor_id == cast.partner.pk
    referral.refresh_from_db()
    assert referral.access.granted_by_id == cast.partner.pk

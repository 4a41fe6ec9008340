"""Data Protection Act 2019 (issue 15, part 1): access given through a referral rests on the
child's consent (or a recorded legal basis). Withdrawing the consent ends it at once: the partner
gets 404 on the child and the case, on the web and the API, while the services it recorded stay
with the child. Access ends after the grace period once the referral is completed or the case is
closed; the end is enforced when records are read, and the periodic job writes it down."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.cases.models import CaseAccess, CaseEvent, ServiceRecord
from cpims.referrals import actions
from cpims.referrals.tests.conftest import code, refer


def _urls(case: Any) -> dict[str, str]:
    child = case.child
    return {
        "case": reverse("cases:case_detail", kwargs={"public_id": case.public_id}),
        "child": reverse("registry:child_detail", kwargs={"public_id": child.public_id}),
        "api_case": reverse("api:case-detail", kwargs={"public_id": case.public_id}),
        "api_child": reverse("api:child-detail", kwargs={"public_id": child.public_id}),
    }


def _statuses(client: Any, case: Any) -> dict[str, int]:
    return {name: client.get(url).status_code for name, url in _urls(case).items()}


def _accepted_with_service(cast: Any, case: Any) -> tuple[Any, ServiceRecord]:
    referral = actions.referral_accept(actor=cast.partner, referral=refer(cast, case))
    service = actions.referral_service_record(
        actor=cast.partner, referral=referral, service=code("intervention_id", "CMTN"), given_on=timezone.localdate()
    )
    return referral, service


def test_withdrawing_consent_ends_the_partners_access_at_once(
    client: Any, cast: Any, login: Any, westlands_case: Any
) -> None:
    referral, service = _accepted_with_service(cast, westlands_case)
    access = CaseAccess.objects.get(org_unit=cast.nairobi_ngo)
    assert access.basis == CaseAccess.Basis.CONSENT and access.consent == referral.consent
    login(client, cast.partner)
    assert _statuses(client, westlands_case) == {"case": 200, "child": 200, "api_case": 200, "api_child": 200}

    # The officer withdraws the guardian's consent on the child's page and is told who lost access.
    login(client, cast.nairobi_officer)
    withdraw = reverse(
        "registry:consent_withdraw",
        kwargs={"public_id": westlands_case.child.public_id, "consent_id": referral.consent.public_id},
    )
    response = client.post(
        withdraw, {"withdrawn_on": timezone.localdate().isoformat(), "reason": "Mother asked"}, follow=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "no longer have access" in body and cast.nairobi_ngo.name in body

    login(client, cast.partner)
    assert _statuses(client, westlands_case) == {"case": 404, "child": 404, "api_case": 404, "api_child": 404}

    # The services already recorded stay with the child's record; the officer still sees them.
    assert ServiceRecord.objects.filter(pk=service.pk, child=westlands_case.child).exists()
    login(client, cast.nairobi_officer)
    page = client.get(_urls(westlands_case)["case"]).content.decode()
    assert "Who has access to this child and why" in page
    access.refresh_from_db()
    assert access.revoked_at is not None and access.ended_reason == CaseAccess.Ended.CONSENT_WITHDRAWN
    event = AuditEvent.objects.filter(action="case.access_revoke").get()
    assert event.actor == cast.nairobi_officer and event.details["ended"] == "consent_withdrawn"
    assert CaseEvent.objects.filter(case=westlands_case, message="access.consent_ended").count() == 1


def test_a_referral_whose_consent_was_withdrawn_cannot_be_accepted(cast: Any, westlands_case: Any) -> None:
    from django.core.exceptions import ValidationError

    from cpims.registry import actions as registry_actions

    referral = refer(cast, westlands_case)
    done = registry_actions.consent_withdraw(
        actor=cast.nairobi_officer, consent=referral.consent, withdrawn_on=timezone.localdate()
    )
    assert done.ended_access == []  # nothing was shared yet
    with pytest.raises(ValidationError) as exc:
        actions.referral_accept(actor=cast.partner, referral=referral)
    assert "consent" in exc.value.message_dict
    assert not CaseAccess.objects.exists()


def test_a_referral_without_consent_rests_on_the_recorded_best_interest(
    cast: Any, westlands_case: Any, override_officer: Any
) -> None:
    from cpims.referrals import actions as referral_actions

    referral = referral_actions.referral_send(
        actor=override_officer,
        case=westlands_case,
        to_unit=cast.nairobi_ngo,
        reason="Needs shelter tonight",
        consent_override=True,
        override_reason="Guardian unreachable, child at risk",
    )
    referral_actions.referral_accept(actor=cast.partner, referral=referral)
    access = CaseAccess.objects.get(org_unit=cast.nairobi_ngo)
    assert access.basis == CaseAccess.Basis.BEST_INTEREST and access.consent is None
    assert access.basis_note == "Guardian unreachable, child at risk"


def test_access_ends_after_closure_and_grace(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    from cpims.cases.jobs import end_expired_access
    from cpims.cases.tests.conftest import advance

    _accepted_with_service(cast, westlands_case)
    case = advance(westlands_case, cast, "closed")
    access = CaseAccess.objects.get(org_unit=cast.nairobi_ngo)
    # Closed: the partner keeps access for the grace period (30 days by default) ...
    assert access.expires_at is not None
    assert dt.timedelta(days=29, hours=23) < access.expires_at - timezone.now() <= dt.timedelta(days=30)
    login(client, cast.partner)
    assert _statuses(client, case) == {"case": 200, "child": 200, "api_case": 200, "api_child": 200}
    page = client.get(_urls(case)["case"]).content.decode()
    assert cast.nairobi_ngo.name in page and "until" in page

    # ... then loses it, at once, before any job has run (the end is enforced when reading).
    CaseAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _statuses(client, case) == {"case": 404, "child": 404, "api_case": 404, "api_child": 404}
    access.refresh_from_db()
    assert access.revoked_at is None  # not yet written down

    # The periodic job writes the end into the record and the audit, once.
    end_expired_access.enqueue()
    access.refresh_from_db()
    assert access.revoked_at is not None and access.ended_reason == CaseAccess.Ended.EXPIRED
    assert AuditEvent.objects.filter(action="case.access_expired").count() == 1
    end_expired_access.enqueue()
    assert AuditEvent.objects.filter(action="case.access_expired").count() == 1


def test_grace_is_a_setting(client: Any, cast: Any, login: Any, westlands_case: Any, settings: Any) -> None:
    settings.CPIMS_PARTNER_ACCESS_GRACE_DAYS = 0
    referral, _service = _accepted_with_service(cast, westlands_case)
    actions.referral_complete(actor=cast.partner, referral=referral, notes="Done")
    login(client, cast.partner)
    assert _statuses(client, westlands_case)["case"] == 404
    # The referral itself stays readable to the partner.
    assert client.get(reverse("referrals:detail", kwargs={"public_id": referral.public_id})).status_code == 200


def test_the_case_api_lists_who_has_access_and_why(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    referral, _service = _accepted_with_service(cast, westlands_case)
    login(client, cast.nairobi_officer)
    data = client.get(_urls(westlands_case)["api_case"]).json()
    assert data["access"] == [
        {
            "public_id": str(CaseAccess.objects.get().public_id),
            "org_unit": str(cast.nairobi_ngo.public_id),
            "org_unit_name": cast.nairobi_ngo.name,
            "user": None,
            "reason": "referral",
            "basis": "consent",
            "consent": str(referral.consent.public_id),
            "granted_at": data["access"][0]["granted_at"],
            "expires_at": None,
        }
    ]

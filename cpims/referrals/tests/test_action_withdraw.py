"""Withdrawing a pending referral or transfer: the sending side only, with a reason, before an answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.cases import queries as case_queries
from cpims.cases.models import CaseAccess, CaseEvent
from cpims.referrals import actions
from cpims.referrals.models import Referral, Transfer


def _transfer(cast: Any, case: Any) -> Transfer:
    return actions.transfer_request(
        actor=cast.nairobi_officer, case=case, to_office=cast.turkana_central_office, reason="The family moved"
    )


# --- referrals -------------------------------------------------------------------------------------


def test_sender_withdraws_a_pending_referral(cast: Any, referral: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.referral_withdraw(actor=cast.nairobi_officer, referral=referral, reason=" ")
    assert "reason" in refused.value.message_dict
    withdrawn = actions.referral_withdraw(actor=cast.nairobi_officer, referral=referral, reason="Wrong unit")
    assert withdrawn.status == Referral.Status.WITHDRAWN
    assert withdrawn.withdrawn_by == cast.nairobi_officer and withdrawn.withdraw_reason == "Wrong unit"
    event = CaseEvent.objects.get(case=referral.case, kind="referral_withdrawn")
    assert event.actor == cast.nairobi_officer and cast.nairobi_ngo.name in event.summary
    audit = AuditEvent.objects.get(action="case.referral_withdrawn")
    assert audit.actor_id == cast.nairobi_officer.pk
    # The receiver can no longer accept it.
    with pytest.raises(ValidationError) as stale:
        actions.referral_accept(actor=cast.partner, referral=referral)
    assert stale.value.code == "stale"
    assert not CaseAccess.objects.filter(case=referral.case).exists()


def test_coordinator_with_case_refer_may_withdraw(cast: Any, referral: Any) -> None:
    withdrawn = actions.referral_withdraw(actor=cast.nairobi_coordinator, referral=referral, reason="Duplicate")
    assert withdrawn.status == Referral.Status.WITHDRAWN


def test_receiver_and_outsiders_cannot_withdraw(cast: Any, referral: Any) -> None:
    for actor in (cast.partner, cast.turkana_officer, cast.national_me):
        with pytest.raises(PermissionDenied):
            actions.referral_withdraw(actor=actor, referral=referral, reason="No")
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.SENT
    assert not CaseEvent.objects.filter(kind="referral_withdrawn").exists()
    assert not AuditEvent.objects.filter(action="case.referral_withdrawn").exists()


def test_accepted_referral_cannot_be_withdrawn(cast: Any, referral: Any) -> None:
    actions.referral_accept(actor=cast.partner, referral=referral)
    with pytest.raises(ValidationError) as refused:
        actions.referral_withdraw(actor=cast.nairobi_officer, referral=referral, reason="Changed my mind")
    assert refused.value.code == "stale"
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.ACCEPTED


# --- transfers -------------------------------------------------------------------------------------


def test_sender_withdraws_a_pending_transfer_and_review_access_ends(cast: Any, westlands_case: Any) -> None:
    transfer = _transfer(cast, westlands_case)
    assert case_queries.cases_visible_to(cast.turkana_officer).filter(pk=westlands_case.pk).exists()
    with pytest.raises(ValidationError):
        actions.transfer_withdraw(actor=cast.nairobi_officer, transfer=transfer, reason="")
    withdrawn = actions.transfer_withdraw(actor=cast.nairobi_officer, transfer=transfer, reason="They stayed")
    assert withdrawn.status == Transfer.Status.WITHDRAWN and withdrawn.withdraw_reason == "They stayed"
    kinds = list(CaseEvent.objects.filter(case=westlands_case).values_list("kind", flat=True))
    assert "transfer_withdrawn" in kinds and "access_revoke" in kinds
    assert AuditEvent.objects.filter(action="case.transfer_withdrawn", actor=cast.nairobi_officer).count() == 1
    from cpims.accounts import scope

    scope.forget(cast.turkana_officer)
    assert not case_queries.cases_visible_to(cast.turkana_officer).filter(pk=westlands_case.pk).exists()
    with pytest.raises(ValidationError):
        actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    # A new request may be made after a withdrawal.
    assert _transfer(cast, westlands_case).status == Transfer.Status.PENDING


def test_receiving_office_cannot_withdraw_a_transfer(cast: Any, westlands_case: Any) -> None:
    transfer = _transfer(cast, westlands_case)
    # The Turkana Central officer reaches the case (review access) and holds case.transfer there.
    for actor in (cast.turkana_officer, cast.turkana_coordinator, cast.partner):
        with pytest.raises(PermissionDenied):
            actions.transfer_withdraw(actor=actor, transfer=transfer, reason="No")
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.PENDING


def test_accepted_transfer_cannot_be_withdrawn(cast: Any, westlands_case: Any) -> None:
    transfer = _transfer(cast, westlands_case)
    actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    with pytest.raises((ValidationError, PermissionDenied)):
        actions.transfer_withdraw(actor=cast.nairobi_officer, transfer=transfer, reason="Too late")
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.ACCEPTED


# --- pages and API ---------------------------------------------------------------------------------


def test_withdraw_pages(client: Any, cast: Any, login: Any, referral: Any, westlands_case: Any) -> None:
    detail = reverse("referrals:detail", kwargs={"public_id": referral.public_id})
    url = reverse("referrals:withdraw", kwargs={"public_id": referral.public_id})
    login(client, cast.nairobi_officer)
    assert url.encode() in client.get(detail).content  # the button
    assert client.post(url, {"reason": ""}).status_code == 200  # the form again, nothing written
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.SENT
    response = client.post(url, {"reason": "Sent to the wrong unit"})
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail)
    assert b"Withdrawn" in page.content and url.encode() not in page.content
    # A second withdrawal is refused with a message, not an error page.
    again = client.post(url, {"reason": "again"}, follow=True)
    assert again.status_code == 200 and b"already withdrawn" in again.content

    transfer = _transfer(cast, westlands_case)
    t_detail = reverse("referrals:transfer_detail", kwargs={"public_id": transfer.public_id})
    t_url = reverse("referrals:transfer_withdraw", kwargs={"public_id": transfer.public_id})
    assert t_url.encode() in client.get(t_detail).content
    assert client.post(t_url, {"reason": "The family stayed"}).status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.WITHDRAWN


def test_receiver_sees_no_withdraw_button(client: Any, cast: Any, login: Any, referral: Any) -> None:
    login(client, cast.partner)
    url = reverse("referrals:withdraw", kwargs={"public_id": referral.public_id})
    assert url.encode() not in client.get(reverse("referrals:detail", kwargs={"public_id": referral.public_id})).content
    assert client.post(url, {"reason": "x"}).status_code == 403


@pytest.mark.urls("cpims.referrals.tests.api_urls")
def test_withdraw_api(client: Any, cast: Any, login: Any, referral: Any, westlands_case: Any) -> None:
    url = reverse("api:referral-withdraw", kwargs={"public_id": referral.public_id})
    login(client, cast.partner)
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    client.logout()
    login(client, cast.nairobi_officer)
    bad = client.post(url, {}, content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    ok = client.post(url, {"reason": "Wrong unit"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "withdrawn"
    assert ok.json()["withdraw_reason"] == "Wrong unit"
    assert client.post(url, {"reason": "again"}, content_type="application/json").status_code == 400

    transfer = _transfer(cast, westlands_case)
    t_url = reverse("api:transfer-withdraw", kwargs={"public_id": transfer.public_id})
    ok = client.post(t_url, {"reason": "They stayed"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "withdrawn"

"""The transfer pages: request, list, detail, accept, decline; scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.cases.models import Case
from cpims.referrals import actions
from cpims.referrals.models import Transfer


def _url(name: str, transfer: Any) -> str:
    return reverse(f"referrals:{name}", kwargs={"public_id": transfer.public_id})


def _pending(cast: Any, case: Any) -> Transfer:
    return actions.transfer_request(
        actor=cast.nairobi_officer, case=case, to_office=cast.turkana_central_office, reason="Moved to Lodwar"
    )


def test_request_page(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    url = reverse("referrals:transfer_create", kwargs={"case_id": westlands_case.public_id})
    login(client, cast.nairobi_officer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"to_office": cast.turkana_central_office.pk, "reason": ""}).status_code == 200
    response = client.post(url, {"to_office": cast.turkana_central_office.pk, "reason": "Moved"})
    assert response.status_code == 302
    assert Transfer.objects.get().to_office == cast.turkana_central_office
    for user, status in ((cast.turkana_coordinator, 404), (cast.national_me, 403), (cast.partner, 404)):
        login(client, user)
        assert client.get(url).status_code == status


def test_accept_page(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    transfer = _pending(cast, westlands_case)
    login(client, cast.turkana_officer)
    assert client.get(reverse("referrals:transfer_list")).status_code == 200
    page = client.get(_url("transfer_detail", transfer))
    assert page.status_code == 200 and b"Accept" in page.content
    response = client.post(_url("transfer_accept", transfer))
    assert response.status_code == 302
    assert Case.objects.get(pk=westlands_case.pk).office == cast.turkana_central_office
    # Twice: refused with a message.
    again = client.post(_url("transfer_accept", transfer), follow=True)
    assert b"already" in again.content
    # The old office keeps no access to the case (see cpims.referrals.actions).
    login(client, cast.nairobi_officer)
    assert client.get(reverse("cases:case_detail", kwargs={"public_id": westlands_case.public_id})).status_code == 404


def test_decline_page(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    transfer = _pending(cast, westlands_case)
    login(client, cast.turkana_officer)
    assert client.get(_url("transfer_decline", transfer)).status_code == 200
    assert client.post(_url("transfer_decline", transfer), {"reason": "Not ours"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.DECLINED
    login(client, cast.nairobi_officer)
    assert b"Not ours" in client.get(_url("transfer_detail", transfer)).content


def test_transfer_scope(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    transfer = _pending(cast, westlands_case)
    for user in (cast.partner,):
        login(client, user)
        assert client.get(_url("transfer_detail", transfer)).status_code == 404
        assert client.get(reverse("referrals:transfer_list")).status_code == 403
    login(client, cast.turkana_coordinator)  # Turkana, but not the receiving office itself
    assert client.get(_url("transfer_detail", transfer)).status_code == 404
    for user in (cast.nairobi_officer, cast.national_me):
        login(client, user)
        assert client.get(_url("transfer_detail", transfer)).status_code == 200
        assert client.post(_url("transfer_accept", transfer)).status_code == 403
        assert client.get(_url("transfer_decline", transfer)).status_code == 403

"""Links to records outside the reader's scope are not shown as links: on the case page, every
link to a child, referral or transfer opens (200); what the reader cannot open is plain text."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from cpims.referrals import actions


def _links(page: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[0-9a-f-]{{36}}/)"', page)


def test_every_link_opens_and_the_rest_is_text(client: Any, cast: Any, login: Any, referral: Any) -> None:
    case = referral.case
    actions.referral_accept(actor=cast.partner, referral=referral)
    actions.transfer_request(
        actor=cast.nairobi_officer, case=case, to_office=cast.turkana_central_office, reason="Moved"
    )
    for user in (cast.nairobi_officer, cast.partner, cast.national_me):
        login(client, user)
        page = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id})).content.decode()
        child_url = reverse("registry:child_detail", kwargs={"public_id": case.child.public_id})
        transfer_url = reverse("referrals:transfer_detail", kwargs={"public_id": case.transfers.get().public_id})
        referral_url = reverse("referrals:detail", kwargs={"public_id": referral.public_id})
        for url in (child_url, transfer_url, referral_url):
            opens = client.get(url).status_code == 200
            assert (f'href="{url}"' in page) == opens, (user, url)
        assert case.child.cpims_number in page and "Test Children NGO" in page and "Turkana Central" in page
        for prefix in ("/registry/", "/referrals/"):
            for url in _links(page, prefix):
                assert client.get(url).status_code == 200, (user, url)


def test_no_transfer_button_while_one_awaits_an_answer(client: Any, cast: Any, login: Any, referral: Any) -> None:
    case = referral.case
    login(client, cast.nairobi_officer)
    page_url = reverse("cases:case_detail", kwargs={"public_id": case.public_id})
    transfer_url = reverse("referrals:transfer_create", kwargs={"case_id": case.public_id})
    assert f'href="{transfer_url}"' in client.get(page_url).content.decode()
    actions.transfer_request(
        actor=cast.nairobi_officer, case=case, to_office=cast.turkana_central_office, reason="Moved"
    )
    assert f'href="{transfer_url}"' not in client.get(page_url).content.decode()
    response = client.post(transfer_url, {"to_office": cast.turkana_central_office.pk, "reason": "Again"})
    assert response.status_code != 302

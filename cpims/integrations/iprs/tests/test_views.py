"""The IPRS pages: the "Verify with IPRS" button on the person's page (editors only), the check and
its result page (side by side on a mismatch), the badge with when and by whom, IPRS down, scope,
Kiswahili."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.integrations.iprs.tests.conftest import NUMBER
from cpims.registry.models import IdentifierVerification

pytestmark = pytest.mark.django_db


def _urls(identifier: Any) -> tuple[str, str, str]:
    kwargs = {"public_id": identifier.person.public_id, "pk": identifier.pk}
    return (
        reverse("registry:child_detail", kwargs={"public_id": identifier.person.public_id}),
        reverse("iprs:identifier", kwargs=kwargs),
        reverse("iprs:verify", kwargs=kwargs),
    )


def test_the_button_is_offered_to_editors_only(client: Any, login: Any, cast: Any, identifier: Any) -> None:
    profile, _page, verify = _urls(identifier)
    login(client, cast.nairobi_officer)
    body = client.get(profile).content.decode()
    assert "Verify with IPRS" in body and f'action="{verify}"' in body
    login(client, cast.national_me)
    assert "Verify with IPRS" not in client.get(profile).content.decode()


def test_a_match_shows_the_badge_with_when_and_who(
    client: Any, login: Any, cast: Any, iprs: Any, identifier: Any
) -> None:
    iprs.hold(NUMBER, "Wanjiku", "Achieng", "Kamau", "2016-03-14")
    profile, page, verify = _urls(identifier)
    login(client, cast.nairobi_officer)
    response = client.post(verify)
    assert response.status_code == 302 and response["Location"] == page
    assert "IPRS confirms this number" in client.get(page).content.decode()
    body = client.get(profile).content.decode()
    check = IdentifierVerification.objects.get()
    assert "Verified with IPRS" in body and str(cast.nairobi_officer) in body
    assert check.verified_at.strftime("%Y") in body


def test_a_mismatch_is_shown_side_by_side(client: Any, login: Any, cast: Any, iprs: Any, identifier: Any) -> None:
    iprs.hold(NUMBER, "Wanjiku", "Achieng", "Kamau-Otieno", "2015-03-14")
    profile, _page, verify = _urls(identifier)
    login(client, cast.nairobi_officer)
    body = client.get(client.post(verify)["Location"]).content.decode()
    assert "our record was not changed" in body and "Kamau-Otieno" in body and "14 Mar 2015" in body
    assert reverse("registry:child_edit", kwargs={"public_id": identifier.person.public_id}) in body
    profile_body = client.get(profile).content.decode()
    assert "IPRS: does not match" in profile_body and "Kamau-Otieno" in profile_body
    identifier.person.refresh_from_db()
    assert identifier.person.last_name == "Kamau"


def test_not_found(client: Any, login: Any, cast: Any, iprs: Any, identifier: Any) -> None:
    _profile, _page, verify = _urls(identifier)
    login(client, cast.nairobi_officer)
    body = client.get(client.post(verify)["Location"]).content.decode()
    assert "IPRS does not know this number" in body and "IPRS: number not found" in body


@pytest.mark.parametrize(("status", "delay", "text"), [(503, 0, "not working"), (None, 5, "did not answer")])
def test_iprs_down_or_slow_says_so_and_records_nothing(
    client: Any, login: Any, cast: Any, iprs: Any, identifier: Any, status: Any, delay: float, text: str
) -> None:
    iprs.status, iprs.delay = status, delay
    _profile, _page, verify = _urls(identifier)
    login(client, cast.nairobi_officer)
    response = client.post(verify, follow=True)
    assert response.status_code == 200 and text in response.content.decode()
    assert not IdentifierVerification.objects.exists()


def test_not_set_up_says_so(client: Any, login: Any, cast: Any, identifier: Any, settings: Any) -> None:
    settings.IPRS_URL = ""
    _profile, page, verify = _urls(identifier)
    login(client, cast.nairobi_officer)
    assert "not set up" in client.get(page).content.decode()
    assert "not set up" in client.post(verify, follow=True).content.decode()


def test_scope(client: Any, cast: Any, iprs: Any, identifier: Any, status_as: Any) -> None:
    _profile, page, verify = _urls(identifier)
    assert status_as(cast.turkana_officer, page) == 404
    assert status_as(cast.turkana_officer, verify, post={}) == 404
    assert status_as(cast.national_me, page) == 200
    assert status_as(cast.national_me, verify, post={}) == 403
    assert status_as(cast.nairobi_officer, verify) == 405  # GET does not check
    huge = reverse("iprs:identifier", kwargs={"public_id": identifier.person.public_id, "pk": 10**30})
    assert status_as(cast.nairobi_officer, huge) == 404
    assert iprs.requests == []


def test_another_persons_identifier_is_404(
    client: Any, cast: Any, identifier: Any, people: Any, status_as: Any
) -> None:
    other = people.nairobi_child("Neema", "Wafula")
    url = reverse("iprs:identifier", kwargs={"public_id": other.public_id, "pk": identifier.pk})
    assert status_as(cast.nairobi_officer, url) == 404


def test_kiswahili(client: Any, login: Any, cast: Any, iprs: Any, identifier: Any) -> None:
    iprs.hold(NUMBER, "Wanjiku", "Achieng", "Kamau", "2016-03-14")
    profile, page, verify = _urls(identifier)
    login(client, cast.nairobi_officer)
    client.post("/i18n/setlang/", {"language": "sw"})
    client.post(verify)
    body = client.get(page).content.decode()
    assert "Check with IPRS" not in body and "IPRS" in body
    assert "Verify with IPRS" not in client.get(profile).content.decode()

"""accounts:2fa_verify — a code from the authenticator, or a single-use recovery code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts.tests.conftest import code_for, events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]
URL = reverse("accounts:2fa_verify")
HOME = reverse("site:home")


@pytest.fixture
def officer(client: Client, cast: Any, login_unverified: Any, confirmed_device: Any) -> TOTPDevice:
    device = confirmed_device(cast.nairobi_officer)
    login_unverified(client, cast.nairobi_officer)
    return device


def _recovery_codes(user: Any, *codes: str) -> None:
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)


def _wrong(device: TOTPDevice) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


def test_right_code_passes(client: Client, cast: Any, officer: TOTPDevice) -> None:
    assert client.get(HOME).status_code == 302
    response = client.post(URL, {"token": code_for(officer), "next": reverse("accounts:profile")})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert client.get(HOME).status_code == 200
    [event] = events("auth.2fa_verified")
    assert event.actor == cast.nairobi_officer and event.details == {"method": "totp"}


def test_code_with_spaces_is_accepted(client: Client, officer: TOTPDevice) -> None:
    code = code_for(officer)
    client.post(URL, {"token": f" {code[:3]} {code[3:]} "})
    assert client.get(HOME).status_code == 200


def test_wrong_code_is_refused_and_audited(client: Client, cast: Any, officer: TOTPDevice) -> None:
    response = client.post(URL, {"token": _wrong(officer)})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    [event] = events("auth.2fa_failed")
    assert event.outcome == "failure" and event.details["method"] == "totp"
    assert client.get(HOME).status_code == 302


def test_right_code_after_a_wrong_one(client: Client, officer: TOTPDevice, no_throttle: None) -> None:
    client.post(URL, {"token": _wrong(officer)})
    client.post(URL, {"token": code_for(officer)})
    assert client.get(HOME).status_code == 200


def test_guessing_is_throttled(client: Client, officer: TOTPDevice) -> None:
    client.post(URL, {"token": _wrong(officer)})
    response = client.post(URL, {"token": code_for(officer)})
    assert "Too many wrong codes" in response.content.decode()
    assert events("auth.2fa_failed")[-1].details["throttled"] is True
    assert client.get(HOME).status_code == 302


def test_a_code_works_only_once(client: Client, cast: Any, officer: TOTPDevice, login_unverified: Any) -> None:
    code = code_for(officer)
    client.post(URL, {"token": code})
    other = Client()
    login_unverified(other, cast.nairobi_officer)
    response = other.post(URL, {"token": code})
    assert response.status_code == 200
    assert other.get(HOME).status_code == 302


def test_recovery_code_works_once(client: Client, cast: Any, officer: TOTPDevice, login_unverified: Any) -> None:
    _recovery_codes(cast.nairobi_officer, "abcd2345", "efgh6723")
    response = client.post(URL, {"token": "ABCD-2345"})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    [event] = events("auth.2fa_verified")
    assert event.details == {"method": "recovery_code"}
    assert StaticToken.objects.filter(device__user=cast.nairobi_officer).count() == 1

    again = Client()
    login_unverified(again, cast.nairobi_officer)
    assert again.post(URL, {"token": "abcd2345"}).status_code == 200
    assert again.get(HOME).status_code == 302
    assert events("auth.2fa_failed")[-1].details["method"] == "recovery_code"


def test_another_users_code_is_refused(client: Client, cast: Any, officer: TOTPDevice, confirmed_device: Any) -> None:
    theirs = confirmed_device(cast.turkana_officer)
    if code_for(theirs) == code_for(officer):
        pytest.skip("the two random keys gave the same code this time step")
    assert client.post(URL, {"token": code_for(theirs)}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_user_without_device_is_sent_to_setup(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:2fa_setup"))


def test_verified_user_goes_on(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    assert client.get(URL)["Location"] == HOME


def test_session_key_changes_after_verification(client: Client, cast: Any, officer: TOTPDevice) -> None:
    from cpims.accounts.models import UserSession

    before = client.session.session_key
    client.post(URL, {"token": code_for(officer)})
    after = client.session.session_key
    assert before != after
    assert UserSession.objects.filter(user=cast.nairobi_officer, session_key=after).exists()

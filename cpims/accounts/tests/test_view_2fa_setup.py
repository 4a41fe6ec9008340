"""accounts:2fa_setup — QR code and key, confirmed with a code, recovery codes shown once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts.tests.conftest import code_for, events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]
URL = reverse("accounts:2fa_setup")


def test_page_shows_qr_and_key_and_keeps_them_on_reload(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    first = client.get(URL)
    content = first.content.decode()
    assert first.status_code == 200
    assert "<svg" in content and 'id="qr-path"' in content
    device = TOTPDevice.objects.get(user=cast.nairobi_officer)
    assert not device.confirmed
    assert first.context["secret"].replace(" ", "") in content.replace(" ", "")
    client.get(URL)
    assert TOTPDevice.objects.filter(user=cast.nairobi_officer).count() == 1


def test_wrong_code_is_refused_and_audited(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    client.get(URL)
    device = TOTPDevice.objects.get(user=cast.nairobi_officer)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(URL, {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    [event] = events("auth.2fa_failed")
    assert event.actor == cast.nairobi_officer and event.details["step"] == "setup"
    assert not StaticToken.objects.filter(device__user=cast.nairobi_officer).exists()
    assert client.get(reverse("site:home")).status_code == 302


def test_right_code_confirms_and_shows_ten_recovery_codes(client: Client, cast: Any, login_unverified: Any) -> None:
    login_unverified(client, cast.nairobi_officer)
    client.get(URL)
    device = TOTPDevice.objects.get(user=cast.nairobi_officer)
    response = client.post(URL, {"token": code_for(device), "next": "/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    [event] = events("auth.2fa_setup")
    assert event.actor == cast.nairobi_officer
    assert client.get(reverse("site:home")).status_code == 200
    # Shown once: the recovery-codes page shows only how many are left.
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in page for code in codes)


def test_unverified_user_with_a_device_cannot_replace_it(
    client: Client, cast: Any, login_unverified: Any, confirmed_device: Any
) -> None:
    """A stolen password alone must not be enough to enrol the thief's phone."""
    confirmed_device(cast.stakeholder)  # not forced to 2FA, but has a device
    login_unverified(client, cast.stakeholder)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:2fa_verify"))
    assert TOTPDevice.objects.filter(user=cast.stakeholder).count() == 1


def test_verified_user_can_move_to_a_new_phone(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    old = TOTPDevice.objects.get(user=cast.nairobi_officer, confirmed=True)
    response = client.get(URL)
    assert response.context["replacing"] is True
    new = TOTPDevice.objects.get(user=cast.nairobi_officer, confirmed=False)
    client.post(URL, {"token": code_for(new)})
    assert list(TOTPDevice.objects.filter(user=cast.nairobi_officer)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_anonymous_goes_to_login(client: Client, db: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

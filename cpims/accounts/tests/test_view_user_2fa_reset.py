"""accounts:user_2fa_reset — an administrator clears a user's lost authenticator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db


def _url(user: Any) -> str:
    return reverse("accounts:user_2fa_reset", kwargs={"public_id": user.public_id})


def test_reset_sends_the_user_to_setup(client: Client, cast: Any, login: Any, settings: Any) -> None:
    settings.CPIMS_REQUIRE_2FA = True
    officer = login(Client(), cast.nairobi_officer)
    login(client, cast.nairobi_coordinator)
    assert client.post(_url(cast.nairobi_officer)).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.nairobi_officer).exists()
    [event] = events("user.2fa_reset")
    assert event.actor == cast.nairobi_coordinator
    response = officer.get(reverse("site:home"))
    assert response["Location"].startswith(reverse("accounts:2fa_setup"))


def test_other_county_gets_404(client: Client, cast: Any, login: Any, confirmed_device: Any) -> None:
    confirmed_device(cast.nairobi_officer)
    login(client, cast.turkana_coordinator)
    assert client.post(_url(cast.nairobi_officer)).status_code == 404
    assert TOTPDevice.objects.filter(user=cast.nairobi_officer).exists()

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


def test_reset_sends_the_user_to_setup(cast: Any, login: Any, settings: Any, status_as: Any) -> None:
    settings.CPIMS_REQUIRE_2FA = True
    officer = login(Client(), cast.nairobi_officer)
    assert status_as(cast.nairobi_coordinator, _url(cast.nairobi_officer), post={}) == 302
    assert not TOTPDevice.objects.filter(user=cast.nairobi_officer).exists()
    [event] = events("user.2fa_reset")
    assert event.actor == cast.nairobi_coordinator
    response = officer.get(reverse("site:home"))
    assert response["Location"].startswith(reverse("accounts:2fa_setup"))


def test_other_county_gets_404(cast: Any, confirmed_device: Any, status_as: Any) -> None:
    confirmed_device(cast.nairobi_officer)
    assert status_as(cast.turkana_coordinator, _url(cast.nairobi_officer), post={}) == 404
    assert TOTPDevice.objects.filter(user=cast.nairobi_officer).exists()

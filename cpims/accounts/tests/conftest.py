"""Helpers for the accounts tests: unverified sign-in, TOTP codes, audit rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts.models import Role
from cpims.audit.models import AuditEvent


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's phone shows now (or ``steps_ahead`` time steps later)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def events(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))


@pytest.fixture
def login_unverified(db: Any) -> Any:
    """Sign in without passing the second factor (the 2FA tests start from here)."""

    def _login(client: Client, user: Any) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def confirmed_device() -> Any:
    def _make(user: Any) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    return _make


@pytest.fixture
def user_viewer_role(cast: Any) -> Role:
    """A role that may see accounts in its area but not change them."""
    from cpims.accounts import permissions as P

    return Role.objects.create(
        code="user_viewer", name="User viewer", scope=Role.Scope.AREA, permissions=[P.ORGUNIT_VIEW, P.USER_VIEW]
    )


@pytest.fixture
def no_throttle(settings: Any) -> None:
    """django-otp makes the next attempt wait after a wrong code; tests that follow a wrong code
    with a right one switch that off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def require_2fa(settings: Any) -> None:
    """Roles that see identified children need a second factor (off in the other tests)."""
    settings.CPIMS_REQUIRE_2FA = True

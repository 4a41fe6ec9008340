"""Signing in through the real pages, as a person would: password, then the authenticator code
when the user's roles ask for one. Shared by the browser journeys."""

from __future__ import annotations

import re
from typing import Any


def sign_in(page: Any, base: str, user: Any, password: str) -> None:
    """Sign ``user`` in on ``page`` and wait for the home page's welcome."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=re.compile("Enter your code|Welcome")).wait_for()
    if page.get_by_role("heading", name="Enter your code").count():
        device = TOTPDevice.objects.get(user=user)
        page.fill("#id_token", f"{totp(device.bin_key):06d}")
        page.locator("main form button[type=submit]").first.click()
        page.get_by_role("heading", name=re.compile("Welcome")).wait_for()

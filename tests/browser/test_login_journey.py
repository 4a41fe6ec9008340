"""Journey: an officer signs in, is made to set up two-factor, switches to Kiswahili, signs out,
and signs in again with a recovery code — in Debian's chromium on a phone-sized screen."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.oath import totp

from conftest import make_user
from cpims.accounts import roles as R
from cpims.audit.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-demo-passphrase-2026"


def _code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def test_login_two_factor_and_language_switch(page: Any, live_server: Any, reference: None) -> None:
    from cpims.geo.models import OrgUnit

    officer = make_user("journey_officer", R.SUBCOUNTY_OFFICER, OrgUnit.objects.get(code="DCS-SC274"))
    officer.set_password(PASSWORD)
    officer.save()

    # Any page sends an anonymous visitor to the login page.
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "journey_officer")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # An officer sees identified child data, so two-factor set-up is required before anything else.
    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    secret = page.locator("p.font-monospace").inner_text().strip()
    page.fill("#id_token", "000000" if _code_from_secret(secret) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    assert page.locator(".invalid-feedback, .alert-danger").first.is_visible()
    # django-otp slows down guessing: after a wrong code the next try must wait a moment.
    page.wait_for_timeout(2_100)
    page.fill("#id_token", _code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Your recovery codes").wait_for()
    codes = page.locator("li.list-group-item").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name=re.compile("continue")).click()
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()

    # The language switch turns the page into Kiswahili.
    page.get_by_role("button", name="Kiswahili").click()
    page.get_by_role("heading", name=re.compile("Karibu")).wait_for()
    assert page.locator("html").get_attribute("lang") == "sw"

    # Sign out (in Kiswahili), then sign in again with a recovery code instead of the app.
    _sign_out_on_phone(page)
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", "journey_officer")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("#id_token", codes[0].strip())
    page.locator("main form button[type=submit]").first.click()
    page.get_by_role("heading", name=re.compile("Karibu")).wait_for()

    actions = set(AuditEvent.objects.filter(actor=officer).values_list("action", flat=True))
    assert {"auth.login", "auth.2fa_setup", "auth.logout", "auth.2fa_verified"} <= actions
    assert AuditEvent.objects.filter(actor=officer, action="auth.2fa_failed").exists()


def _sign_out_on_phone(page: Any) -> None:
    # On a phone the menu is collapsed behind the toggler.
    page.locator(".navbar-toggler").click()
    page.locator("nav").get_by_role("button", name="Ondoka").click()

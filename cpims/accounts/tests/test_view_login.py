"""accounts:login — the sign-in form, with django-axes lockout and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts import actions
from cpims.accounts import roles as R
from cpims.accounts.models import Assignment, Role, User, UserSession
from cpims.accounts.tests.conftest import code_for, events

pytestmark = pytest.mark.django_db
URL = reverse("accounts:login")
PASSWORD = "Kilimanjaro-Mvua-2024!"


@pytest.fixture
def member(cast: Any) -> User:
    """An account with a real password (this module tests the form itself)."""
    user = User.objects.create(username="form_user", preferred_language="sw")
    user.set_password(PASSWORD)
    user.save()
    Assignment.objects.create(user=user, role=Role.objects.get(code=R.STAKEHOLDER_VIEWER), org_unit=cast.hq)
    return user


def _post(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(URL, {"username": username, "password": password, **extra})


def test_password_is_stored_with_argon2(member: User) -> None:
    assert member.password.startswith("argon2")


def test_page_renders(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_right_password_signs_in_and_is_audited(client: Client, member: User) -> None:
    response = _post(client, "form_user", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("site:home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sw"
    session_key = client.session.session_key
    assert UserSession.objects.filter(user=member, session_key=session_key).exists()
    assert isinstance(client.session[actions.SESSION_AUTH_AT], int)
    [event] = events("auth.login")
    assert event.actor == member and event.ip == "127.0.0.1"
    assert client.get(reverse("site:home")).status_code == 200


def test_next_is_followed_only_within_the_site(client: Client, member: User) -> None:
    response = _post(client, "form_user", PASSWORD, next=reverse("accounts:profile"))
    assert response["Location"] == reverse("accounts:profile")
    client.logout()
    response = _post(client, "form_user", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("site:home")


def test_wrong_password_is_refused_and_audited_without_the_password(client: Client, member: User) -> None:
    response = _post(client, "form_user", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    [event] = events("auth.login_failed")
    assert event.outcome == "failure"
    assert event.actor is None and event.actor_username == "form_user"
    assert event.object_id == str(member.public_id)
    assert "not-the-password" not in str(event.details) + event.object_label + event.actor_username


def test_unknown_username_is_not_stored(client: Client, member: User) -> None:
    _post(client, "Jane Wanjiru typed in the wrong box", "x")
    [event] = events("auth.login_failed")
    assert event.actor_username == "" and event.details == {"username_known": False}


def test_lockout_after_five_failures(client: Client, member: User) -> None:
    for _ in range(4):
        assert _post(client, "form_user", "wrong-password").status_code == 200
    fifth = _post(client, "form_user", "wrong-password")
    assert fifth.status_code == 429
    # The sixth attempt, with the right password, is refused too.
    sixth = _post(client, "form_user", PASSWORD)
    assert sixth.status_code == 429
    assert "_auth_user_id" not in client.session
    content = sixth.content.decode()
    assert "15" in content
    assert len(events("auth.login_failed")) == 6
    lockouts = events("auth.lockout")
    assert len(lockouts) == 2 and all(e.outcome == "denied" for e in lockouts)
    assert lockouts[0].object_id == str(member.public_id)
    assert not events("auth.login")


def test_lockout_is_per_username(client: Client, member: User) -> None:
    for _ in range(5):
        _post(client, "someone_else", "wrong-password")
    assert _post(client, "form_user", PASSWORD).status_code == 302


def test_lockout_page_is_translated(client: Client, member: User) -> None:
    for _ in range(5):
        _post(client, "form_user", "wrong-password")
    response = client.post(URL, {"username": "form_user", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="sw")
    assert response.status_code == 429
    assert "Kuingia kumesitishwa" in response.content.decode()


def test_inactive_user_cannot_sign_in(client: Client, member: User) -> None:
    member.is_active = False
    member.save()
    assert _post(client, "form_user", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_officer_signs_in_then_sets_up_two_factor(client: Client, cast: Any, settings: Any) -> None:
    """The whole first sign-in of an officer: password, forced set-up, code, recovery codes, home."""
    settings.CPIMS_REQUIRE_2FA = True
    officer = User.objects.create(username="new_officer")
    officer.set_password(PASSWORD)
    officer.save()
    Assignment.objects.create(
        user=officer, role=Role.objects.get(code=R.SUBCOUNTY_OFFICER), org_unit=cast.westlands_office
    )

    response = _post(client, "new_officer", PASSWORD)
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:2fa_setup"))
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(reverse("accounts:2fa_setup"), {"token": code_for(device), "next": "/"})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert client.get(reverse("site:home")).status_code == 200
    # The session moved to a new key after the second factor; the old one is gone.
    assert UserSession.objects.filter(user=officer).count() == 1
    assert Session.objects.filter(session_key=UserSession.objects.get(user=officer).session_key).exists()


def test_the_language_chosen_on_the_sign_in_page_is_kept_and_saved(client: Client, member: User) -> None:
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    client.post(reverse("set_language"), {"language": "sw", "next": URL})
    page = client.get(URL).content.decode()
    assert 'lang="sw"' in page and '<input type="hidden" name="language" value="sw">' in page

    response = _post(client, "form_user", PASSWORD, language="sw")

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sw"
    member.refresh_from_db()
    assert member.preferred_language == "sw"
    after = client.get(response["Location"], follow=True)
    assert after.status_code == 200 and '<html lang="sw"' in after.content.decode()


def test_without_a_choice_the_profile_language_applies(client: Client, member: User) -> None:
    assert '<input type="hidden" name="language"' not in client.get(URL).content.decode()
    response = _post(client, "form_user", PASSWORD, language="xx")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sw"
    member.refresh_from_db()
    assert member.preferred_language == "sw"

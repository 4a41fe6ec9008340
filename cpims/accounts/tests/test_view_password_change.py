"""accounts:password_change — one's own password; other sessions end."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.accounts.models import User, UserSession
from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db
URL = reverse("accounts:password_change")
OLD = "Kilimanjaro-Mvua-2024!"
NEW = "Ziwa-Victoria-Samaki-9"


@pytest.fixture
def officer(cast: Any) -> User:
    cast.nairobi_officer.set_password(OLD)
    cast.nairobi_officer.save()
    return cast.nairobi_officer


def test_password_change_keeps_this_session_and_ends_others(client: Client, officer: User, login: Any) -> None:
    other = login(Client(), officer)
    login(client, officer)
    response = client.post(URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW) and officer.password.startswith("argon2")
    assert client.get(reverse("site:home")).status_code == 200
    assert other.get(reverse("site:home")).status_code == 302
    assert list(UserSession.objects.filter(user=officer).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    [event] = events("user.password_change")
    assert event.actor == officer and event.details == {"sessions_ended": 1}


def test_weak_new_password_is_refused(client: Client, officer: User, login: Any) -> None:
    login(client, officer)
    response = client.post(URL, {"old_password": OLD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "too short" in content and "entirely numeric" in content
    officer.refresh_from_db()
    assert officer.check_password(OLD)
    assert not events("user.password_change")


def test_wrong_old_password_is_refused(client: Client, officer: User, login: Any) -> None:
    login(client, officer)
    response = client.post(URL, {"old_password": "nope", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(OLD)

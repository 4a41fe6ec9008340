"""SessionLimitsMiddleware — idle timeout and absolute limit."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from cpims.accounts import actions
from cpims.accounts.models import UserSession
from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db
HOME = reverse("site:home")


def _shift(client: Client, *, auth_ago: int, seen_ago: int) -> None:
    session = client.session
    now = int(time.time())
    session[actions.SESSION_AUTH_AT] = now - auth_ago
    session[actions.SESSION_SEEN_AT] = now - seen_ago
    session.save()


def test_active_session_continues(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    _shift(client, auth_ago=3600, seen_ago=60 * 29)
    assert client.get(HOME).status_code == 200
    assert client.session[actions.SESSION_SEEN_AT] >= int(time.time()) - 5


def test_idle_session_ends(client: Client, cast: Any, login: Any, settings: Any) -> None:
    login(client, cast.nairobi_officer)
    key = client.session.session_key
    _shift(client, auth_ago=3600, seen_ago=settings.CPIMS_SESSION_IDLE_SECONDS + 1)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?expired=idle")
    assert "next=%2Faccounts%2Fprofile%2F" in response["Location"]
    [event] = events("auth.session_expired")
    assert event.actor == cast.nairobi_officer and event.details == {"reason": "idle"}
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=cast.nairobi_officer).exists()
    page = client.get(response["Location"])
    assert "inactive for too long" in page.content.decode()
    assert client.get(HOME).status_code == 302


def test_absolute_limit_ends_even_an_active_session(client: Client, cast: Any, login: Any, settings: Any) -> None:
    login(client, cast.nairobi_officer)
    _shift(client, auth_ago=settings.CPIMS_SESSION_ABSOLUTE_SECONDS + 1, seen_ago=10)
    response = client.get(HOME)
    assert response["Location"].startswith(reverse("accounts:login") + "?expired=absolute")
    [event] = events("auth.session_expired")
    assert event.details == {"reason": "absolute"}
    assert "time limit" in client.get(response["Location"]).content.decode()


def test_missing_timestamps_are_started_not_expired(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    session = client.session
    del session[actions.SESSION_AUTH_AT]
    del session[actions.SESSION_SEEN_AT]
    session.save()
    assert client.get(HOME).status_code == 200
    assert isinstance(client.session[actions.SESSION_AUTH_AT], int)
    assert not events("auth.session_expired")


def test_expired_api_session_gets_401_json(client: Client, cast: Any, login: Any, settings: Any) -> None:
    login(client, cast.nairobi_officer)
    _shift(client, auth_ago=60, seen_ago=settings.CPIMS_SESSION_IDLE_SECONDS + 1)
    response = client.get("/api/v1/anything/")
    assert response.status_code == 401 and "detail" in response.json()


def test_anonymous_requests_are_untouched(client: Client, db: Any) -> None:
    assert client.get(reverse("accounts:login")).status_code == 200

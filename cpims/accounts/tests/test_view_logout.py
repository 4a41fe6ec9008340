"""accounts:logout — POST only; ends the session, its row, and is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.accounts.models import UserSession
from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db
URL = reverse("accounts:logout")


def test_get_is_not_allowed(client: Client, cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, URL) == 405
    assert client.get(reverse("site:home")).status_code == 200


def test_post_signs_out(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    assert UserSession.objects.filter(user=cast.nairobi_officer).exists()
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert not UserSession.objects.filter(user=cast.nairobi_officer).exists()
    [event] = events("auth.logout")
    assert event.actor == cast.nairobi_officer
    assert client.get(reverse("site:home")).status_code == 302


def test_anonymous_post_is_harmless(client: Client, db: Any) -> None:
    assert client.post(URL).status_code == 302
    assert not events("auth.logout")

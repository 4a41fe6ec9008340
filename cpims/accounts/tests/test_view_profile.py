"""accounts:profile — one's own details, roles, language and sign-in security."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db
URL = reverse("accounts:profile")


@pytest.mark.parametrize("who", ["nairobi_officer", "stakeholder", "admin"])
def test_everyone_sees_their_profile(client: Client, cast: Any, login: Any, who: str) -> None:
    user = cast.users()[who]
    login(client, user)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert user.username in content
    assert user.assignments.get().role.name in content
    assert reverse("accounts:password_change") in content


def test_two_factor_status_is_shown(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(URL)
    assert response.context["has_totp"] is True and response.context["verified"] is True
    assert reverse("accounts:recovery_codes") in response.content.decode()


def test_language_is_saved(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(URL, {"preferred_language": "sw"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sw"
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.preferred_language == "sw"
    [event] = events("user.update")
    assert event.actor == cast.nairobi_officer and event.details == {"fields": ["preferred_language"]}
    assert "Wasifu wako" in client.get(URL).content.decode()


def test_unknown_language_is_refused(cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, URL, post={"preferred_language": "fr"}) == 200
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.preferred_language == "en"


def test_anonymous_goes_to_login(client: Client, db: Any) -> None:
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))

"""accounts:user_deactivate — the account stops working and its sessions end at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from cpims.accounts.models import UserSession
from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db
HOME = reverse("site:home")


def _url(user: Any) -> str:
    return reverse("accounts:user_deactivate", kwargs={"public_id": user.public_id})


def test_deactivated_users_session_ends(client: Client, cast: Any, login: Any, status_as: Any) -> None:
    officer = login(Client(), cast.nairobi_officer)
    key = officer.session.session_key
    assert officer.get(HOME).status_code == 200

    assert status_as(cast.nairobi_coordinator, _url(cast.nairobi_officer)) == 405
    response = client.post(_url(cast.nairobi_officer))
    assert response.status_code == 302

    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.is_active is False and cast.nairobi_officer.deactivated_at is not None
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=cast.nairobi_officer).exists()
    next_request = officer.get(HOME)
    assert next_request.status_code == 302 and next_request["Location"].startswith(reverse("accounts:login"))
    [event] = events("user.deactivate")
    assert event.actor == cast.nairobi_coordinator and event.details == {"sessions_ended": 1}
    # The coordinator's own session is untouched.
    assert client.get(HOME).status_code == 200


def test_session_without_a_row_still_ends_on_next_request(client: Client, cast: Any, login: Any) -> None:
    """Even a session we did not record ends: an inactive user is anonymous to Django."""
    officer = login(Client(), cast.nairobi_officer)
    UserSession.objects.filter(user=cast.nairobi_officer).delete()
    login(client, cast.nairobi_coordinator)
    client.post(_url(cast.nairobi_officer))
    assert officer.get(HOME)["Location"].startswith(reverse("accounts:login"))


def test_nobody_deactivates_themselves(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(_url(cast.nairobi_coordinator), follow=True)
    assert "You cannot deactivate your own account" in response.content.decode()
    cast.nairobi_coordinator.refresh_from_db()
    assert cast.nairobi_coordinator.is_active
    assert not events("user.deactivate")


def test_other_county_gets_404(cast: Any, status_as: Any) -> None:
    assert status_as(cast.turkana_coordinator, _url(cast.nairobi_officer), post={}) == 404
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.is_active


def test_read_only_viewer_gets_403(cast: Any, user_viewer_role: Any, status_as: Any) -> None:
    from cpims.accounts.models import Assignment

    Assignment.objects.create(user=cast.stakeholder, role=user_viewer_role, org_unit=cast.nairobi_office)
    assert status_as(cast.stakeholder, _url(cast.nairobi_officer), post={}) == 403


def test_officer_gets_403(cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, _url(cast.partner), post={}) == 403

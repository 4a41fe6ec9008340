"""accounts:user_reactivate — a deactivated account works again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.accounts import actions
from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db


def _url(user: Any) -> str:
    return reverse("accounts:user_reactivate", kwargs={"public_id": user.public_id})


def test_coordinator_reactivates(cast: Any, login: Any, status_as: Any) -> None:
    actions.user_deactivate(actor=cast.nairobi_coordinator, user=cast.nairobi_officer)
    assert status_as(cast.nairobi_coordinator, _url(cast.nairobi_officer), post={}) == 302
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.is_active and cast.nairobi_officer.deactivated_at is None
    [event] = events("user.reactivate")
    assert event.actor == cast.nairobi_coordinator
    assert login(Client(), cast.nairobi_officer).get(reverse("site:home")).status_code == 200


def test_other_county_gets_404(cast: Any, status_as: Any) -> None:
    actions.user_deactivate(actor=cast.nairobi_coordinator, user=cast.nairobi_officer)
    assert status_as(cast.turkana_coordinator, _url(cast.nairobi_officer), post={}) == 404
    cast.nairobi_officer.refresh_from_db()
    assert not cast.nairobi_officer.is_active

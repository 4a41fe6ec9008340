"""accounts:assignment_end — end a role (kept, inactive) at a unit within one's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.accounts import roles as R
from cpims.accounts.models import Assignment, Role
from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db


def _url(assignment: Assignment) -> str:
    return reverse(
        "accounts:assignment_end",
        kwargs={"public_id": assignment.user.public_id, "assignment_id": assignment.public_id},
    )


def test_coordinator_ends_an_officer_role(client: Client, cast: Any, status_as: Any) -> None:
    assignment = cast.nairobi_officer.assignments.get()
    assert status_as(cast.nairobi_coordinator, _url(assignment)) == 405
    response = client.post(_url(assignment))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.is_active is False
    [event] = events("assignment.end")
    assert event.actor == cast.nairobi_coordinator and event.object_id == str(assignment.public_id)
    assert client.post(_url(assignment)).status_code == 404


def test_role_at_a_unit_outside_scope_cannot_be_ended(cast: Any, status_as: Any) -> None:
    # The officer also holds a role in Turkana: a Nairobi coordinator sees the officer but cannot end that role.
    other = Assignment.objects.create(
        user=cast.nairobi_officer, role=Role.objects.get(code=R.SUBCOUNTY_OFFICER), org_unit=cast.turkana_central_office
    )
    assert status_as(cast.nairobi_coordinator, _url(other), post={}) == 403
    other.refresh_from_db()
    assert other.is_active


def test_other_county_gets_404(cast: Any, status_as: Any) -> None:
    assert status_as(cast.turkana_coordinator, _url(cast.nairobi_officer.assignments.get()), post={}) == 404


def test_own_role_cannot_be_ended(client: Client, cast: Any, login: Any) -> None:
    own = cast.nairobi_coordinator.assignments.get()
    login(client, cast.nairobi_coordinator)
    client.post(_url(own))
    own.refresh_from_db()
    assert own.is_active
    assert not events("assignment.end")

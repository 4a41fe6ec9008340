"""accounts:assignment_create — give a user a role at an org unit, never beyond one's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.accounts import roles as R
from cpims.accounts.models import Assignment
from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db


def _url(user: Any) -> str:
    return reverse("accounts:assignment_create", kwargs={"public_id": user.public_id})


def test_coordinator_assigns_a_role_in_their_county(client: Client, cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_coordinator, _url(cast.partner)) == 200
    response = client.post(
        _url(cast.partner), {"role": R.VOLUNTEER_OFFICER, "org_unit": str(cast.westlands_office.public_id)}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(
        user=cast.partner, role__code=R.VOLUNTEER_OFFICER, org_unit=cast.westlands_office, is_active=True
    ).exists()
    [event] = events("assignment.create")
    assert event.actor == cast.nairobi_coordinator
    assert event.details["role"] == R.VOLUNTEER_OFFICER and event.details["user"] == str(cast.partner.public_id)


def test_coordinator_cannot_grant_system_admin(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(
        _url(cast.nairobi_officer), {"role": R.SYSTEM_ADMIN, "org_unit": str(cast.nairobi_office.public_id)}
    )
    assert response.status_code == 200
    assert "You may not grant this role" in response.content.decode()
    assert not Assignment.objects.filter(user=cast.nairobi_officer, role__code=R.SYSTEM_ADMIN).exists()
    assert not events("assignment.create")


def test_unit_outside_scope_is_refused(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(
        _url(cast.nairobi_officer),
        {"role": R.VOLUNTEER_OFFICER, "org_unit": str(cast.turkana_central_office.public_id)},
    )
    assert response.status_code == 200
    assert not Assignment.objects.filter(user=cast.nairobi_officer, org_unit=cast.turkana_central_office).exists()


def test_duplicate_active_assignment_is_refused(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    data = {"role": R.VOLUNTEER_OFFICER, "org_unit": str(cast.westlands_office.public_id)}
    assert client.post(_url(cast.nairobi_officer), data).status_code == 302
    response = client.post(_url(cast.nairobi_officer), data)
    assert response.status_code == 200
    assert "already holds that role" in response.content.decode()


def test_nobody_changes_their_own_roles(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.post(
        _url(cast.nairobi_coordinator), {"role": R.VOLUNTEER_OFFICER, "org_unit": str(cast.westlands_office.public_id)}
    )
    assert response.status_code == 200
    assert "You cannot change your own roles" in response.content.decode()
    assert cast.nairobi_coordinator.assignments.count() == 1


def test_other_county_gets_404(cast: Any, status_as: Any) -> None:
    assert status_as(cast.turkana_coordinator, _url(cast.nairobi_officer)) == 404


def test_officer_gets_403(cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, _url(cast.partner)) == 403

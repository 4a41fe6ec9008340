"""accounts:user_detail — one account, through the scope rules (404 outside scope)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _url(user: Any) -> str:
    return reverse("accounts:user_detail", kwargs={"public_id": user.public_id})


def test_coordinator_sees_an_officer_in_their_county(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.get(_url(cast.nairobi_officer))
    assert response.status_code == 200
    assert response.context["can_manage"] is True
    content = response.content.decode()
    assert "Sub-county children officer" in content
    assert reverse("accounts:user_deactivate", kwargs={"public_id": cast.nairobi_officer.public_id}) in content


def test_coordinator_of_another_county_gets_404(cast: Any, status_as: Any) -> None:
    assert status_as(cast.turkana_coordinator, _url(cast.nairobi_officer)) == 404


def test_unknown_user_is_404(cast: Any, status_as: Any) -> None:
    assert status_as(cast.admin, reverse("accounts:user_detail", kwargs={"public_id": uuid.uuid4()})) == 404


@pytest.mark.parametrize("who", ["nairobi_officer", "national_me", "partner", "stakeholder"])
def test_users_without_user_view_get_403(cast: Any, who: str, status_as: Any) -> None:
    assert status_as(cast.users()[who], _url(cast.nairobi_officer)) == 403


def test_read_only_viewer_sees_no_buttons(client: Client, cast: Any, login: Any, user_viewer_role: Any) -> None:
    from cpims.accounts.models import Assignment

    viewer = cast.stakeholder
    Assignment.objects.create(user=viewer, role=user_viewer_role, org_unit=cast.nairobi_office)
    login(client, viewer)
    response = client.get(_url(cast.nairobi_officer))
    assert response.status_code == 200 and response.context["can_manage"] is False
    assert "deactivate" not in response.content.decode()


def test_anonymous_goes_to_login(client: Client, cast: Any) -> None:
    response = client.get(_url(cast.nairobi_officer))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

"""api:token_create — issue a token for a user in scope; the secret is shown once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cpims.api import keys
from cpims.api.models import ApiToken

pytestmark = pytest.mark.django_db
URL = reverse("api:token_create")


def test_admin_can_issue_for_any_user(client: Any, cast: Any, status_as: Any) -> None:
    assert status_as(cast.admin, URL) == 200
    response = client.post(URL, {"username": cast.turkana_officer.username, "name": "Lodwar tablet"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = re.search(r'value="(cpims_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.user == cast.turkana_officer and token.created_by == cast.admin
    assert token.key_hash == keys.hash_secret(secret)
    # The secret is shown once: the list page does not have it.
    assert secret not in client.get(reverse("api:token_list")).content.decode()


def test_expiry_is_the_end_of_the_chosen_day(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    day = timezone.localdate() + timedelta(days=10)
    client.post(URL, {"username": cast.admin.username, "name": "x", "expires_on": day.isoformat()})
    expires = timezone.localtime(ApiToken.objects.get().expires_at)
    assert expires.date() == day + timedelta(days=1) and expires.hour == 0


def test_past_expiry_is_refused(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    day = timezone.localdate() - timedelta(days=1)
    response = client.post(URL, {"username": cast.admin.username, "name": "x", "expires_on": day.isoformat()})
    assert response.status_code == 200
    assert "The expiry must be in the future." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_unknown_username_is_refused(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    response = client.post(URL, {"username": "nobody_here", "name": "x"})
    assert "No active user with this username in your area." in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["nairobi_officer", "nairobi_coordinator", "stakeholder"])
def test_users_without_the_permission_get_403(client: Any, cast: Any, who: str, status_as: Any) -> None:
    assert status_as(cast.users()[who], URL) == 403
    assert client.post(URL, {"username": cast.users()[who].username, "name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_anonymous_goes_to_the_login_page(client: Any, cast: Any) -> None:
    response = client.post(URL, {"username": "admin_user", "name": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not ApiToken.objects.exists()


def test_area_manager_can_only_name_users_of_their_area(client: Any, scoped_managers: Any, login: Any) -> None:
    cast = scoped_managers
    login(client, cast.nairobi_coordinator)
    response = client.post(URL, {"username": cast.turkana_officer.username, "name": "x"})
    # The same answer as for a user who does not exist: nothing is confirmed outside the area.
    assert "No active user with this username in your area." in response.content.decode()
    assert not ApiToken.objects.exists()
    response = client.post(URL, {"username": cast.nairobi_officer.username, "name": "x"})
    assert response.status_code == 200
    assert ApiToken.objects.get().user == cast.nairobi_officer


def test_area_manager_cannot_reach_beyond_their_area_through_a_user(
    client: Any, scoped_managers: Any, login: Any
) -> None:
    from cpims.accounts import roles as R
    from cpims.accounts.models import Assignment, Role

    cast = scoped_managers
    Assignment.objects.create(
        user=cast.nairobi_officer, role=Role.objects.get(code=R.SUBCOUNTY_OFFICER), org_unit=cast.turkana_central_office
    )
    login(client, cast.nairobi_coordinator)
    response = client.post(URL, {"username": cast.nairobi_officer.username, "name": "x"})
    assert response.status_code == 200
    assert "roles outside your reach" in response.content.decode()
    assert not ApiToken.objects.exists()

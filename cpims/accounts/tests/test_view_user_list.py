"""accounts:user_list — users within the viewer's scope, with search and paging."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.accounts import roles as R
from cpims.accounts.models import Assignment, Role, User

pytestmark = pytest.mark.django_db
URL = reverse("accounts:user_list")


def _names(response: Any) -> set[str]:
    return {u.username for u in response.context["page"].object_list}


def test_coordinator_sees_only_their_county(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    assert _names(response) == {"nairobi_coordinator", "nairobi_officer", "partner_caseworker"}
    assert response.context["can_create"] is True


def test_admin_sees_everyone(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    assert _names(client.get(URL)) == {u.username for u in cast.users().values()}


@pytest.mark.parametrize("who", ["nairobi_officer", "national_me", "partner", "stakeholder"])
def test_users_without_user_view_get_403(cast: Any, who: str, status_as: Any) -> None:
    assert status_as(cast.users()[who], URL) == 403


def test_anonymous_goes_to_login(client: Client, db: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_search_and_status(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    assert _names(client.get(URL, {"q": "turkana"})) == {"turkana_coordinator", "turkana_officer"}
    cast.turkana_officer.is_active = False
    cast.turkana_officer.save()
    assert _names(client.get(URL, {"q": "turkana", "status": "inactive"})) == {"turkana_officer"}
    assert _names(client.get(URL, {"q": "turkana", "status": "active"})) == {"turkana_coordinator"}


def test_user_with_two_assignments_is_listed_once(client: Client, cast: Any, login: Any) -> None:
    Assignment.objects.create(
        user=cast.nairobi_officer, role=Role.objects.get(code=R.PARTNER_CASEWORKER), org_unit=cast.nairobi_ngo
    )
    login(client, cast.nairobi_coordinator)
    usernames = [u.username for u in client.get(URL).context["page"].object_list]
    assert usernames.count("nairobi_officer") == 1


def _add_officers(cast: Any, count: int, start: int) -> None:
    role = Role.objects.get(code=R.SUBCOUNTY_OFFICER)
    for i in range(start, start + count):
        user = User.objects.create(username=f"officer_{i:03d}")
        Assignment.objects.create(user=user, role=role, org_unit=cast.westlands_office)


def test_paging(client: Client, cast: Any, login: Any) -> None:
    _add_officers(cast, 30, 0)
    login(client, cast.nairobi_coordinator)
    first = client.get(URL)
    assert len(first.context["page"].object_list) == 25
    second = client.get(URL, {"page": 2})
    assert len(second.context["page"].object_list) == 33 - 25


def test_query_count_does_not_grow_with_users(
    client: Client, cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, cast.nairobi_coordinator)
    _add_officers(cast, 2, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    _add_officers(cast, 20, 100)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
    assert len(few.captured_queries) <= 12

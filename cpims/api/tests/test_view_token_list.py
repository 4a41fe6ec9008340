"""api:token_list — the API token page, scoped with the cast."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("api:token_list")


def test_admin_sees_every_token(client: Any, cast: Any, login: Any, issue: Any) -> None:
    nairobi, _ = issue(cast.nairobi_officer, name="Westlands tablet")
    turkana, _ = issue(cast.turkana_officer, name="Lodwar tablet")
    login(client, cast.admin)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Westlands tablet" in content and "Lodwar tablet" in content
    assert nairobi.key_prefix in content and nairobi.key_hash not in content
    assert reverse("api:token_revoke", kwargs={"public_id": turkana.public_id}) in content


@pytest.mark.parametrize("who", ["nairobi_officer", "national_me", "nairobi_coordinator", "partner", "stakeholder"])
def test_users_without_the_permission_get_403(cast: Any, who: str, status_as: Any) -> None:
    assert status_as(cast.users()[who], URL) == 403


def test_anonymous_goes_to_the_login_page(client: Any, cast: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_area_manager_sees_only_tokens_of_their_area(client: Any, scoped_managers: Any, login: Any, issue: Any) -> None:
    cast = scoped_managers
    issue(cast.nairobi_officer, name="Westlands tablet")
    issue(cast.turkana_officer, name="Lodwar tablet")
    login(client, cast.nairobi_coordinator)
    content = client.get(URL).content.decode()
    assert "Westlands tablet" in content and "Lodwar tablet" not in content


def test_list_queries_do_not_grow_with_tokens(
    client: Any, cast: Any, login: Any, issue: Any, django_assert_max_num_queries: Any
) -> None:
    for user in cast.users().values():
        issue(user)
    login(client, cast.admin)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_page_is_translated(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    content = client.get(URL, HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Tokeni za API" in content

"""/api/v1/api-tokens/ — the JSON token endpoints (list, read, revoke), scoped."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db
LIST = reverse("api:apitoken-list")


def _detail(token: Any) -> str:
    return reverse("api:apitoken-detail", kwargs={"public_id": token.public_id})


def _revoke(token: Any) -> str:
    return reverse("api:apitoken-revoke", kwargs={"public_id": token.public_id})


def test_admin_lists_tokens_without_secrets(api_client: Any, cast: Any, login: Any, issue: Any) -> None:
    token, secret = issue(cast.turkana_officer, name="Lodwar tablet")
    login(api_client, cast.admin)
    response = api_client.get(LIST)
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == str(token.public_id)
    assert row["name"] == "Lodwar tablet"
    assert row["user"] == str(cast.turkana_officer.public_id)
    assert row["key_prefix"] == token.key_prefix
    assert row["is_active"] is True
    assert secret not in response.content.decode() and token.key_hash not in response.content.decode()


def test_detail_and_revoke(api_client: Any, cast: Any, login: Any, issue: Any) -> None:
    token, secret = issue(cast.turkana_officer)
    login(api_client, cast.admin)
    assert api_client.get(_detail(token)).json()["id"] == str(token.public_id)
    response = api_client.post(_revoke(token))
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None and response.json()["is_active"] is False
    # The revoked token no longer opens the API.
    assert api_client.get(LIST, **bearer(secret)).status_code == 401
    # And a second revoke is a 400 in the common error format.
    again = api_client.post(_revoke(token))
    assert again.status_code == 400
    assert again.json()["detail"] == "This token is already revoked."


def test_revoke_with_a_token(api_client: Any, cast: Any, issue: Any) -> None:
    _, admin_secret = issue(cast.admin)
    other, _ = issue(cast.nairobi_officer)
    response = api_client.post(_revoke(other), **bearer(admin_secret))
    assert response.status_code == 200


def test_there_is_no_way_to_create_a_token_through_the_api(api_client: Any, cast: Any, login: Any) -> None:
    login(api_client, cast.admin)
    assert api_client.post(LIST, {"name": "x"}).status_code == 405


def test_anonymous_gets_401(api_client: Any, cast: Any, issue: Any) -> None:
    token, _ = issue(cast.nairobi_officer)
    assert api_client.get(LIST).status_code == 401
    assert api_client.post(_revoke(token)).status_code == 401


@pytest.mark.parametrize("who", ["nairobi_officer", "nairobi_coordinator", "national_me", "stakeholder"])
def test_users_without_the_permission_get_403(api_client: Any, cast: Any, login: Any, issue: Any, who: str) -> None:
    token, _ = issue(cast.nairobi_officer)
    login(api_client, cast.users()[who])
    assert api_client.get(LIST).status_code == 403
    assert api_client.get(_detail(token)).status_code == 403
    assert api_client.post(_revoke(token)).status_code == 403


def test_area_manager_is_scoped(api_client: Any, scoped_managers: Any, login: Any, issue: Any) -> None:
    cast = scoped_managers
    nairobi, _ = issue(cast.nairobi_officer)
    turkana, _ = issue(cast.turkana_officer)
    login(api_client, cast.nairobi_coordinator)
    assert [row["id"] for row in api_client.get(LIST).json()["results"]] == [str(nairobi.public_id)]
    assert api_client.get(_detail(turkana)).status_code == 404
    assert api_client.post(_revoke(turkana)).status_code == 404
    assert api_client.post(_revoke(nairobi)).status_code == 200


def test_malformed_id_is_404(api_client: Any, cast: Any, login: Any) -> None:
    login(api_client, cast.admin)
    response = api_client.get(LIST + "not-a-uuid/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_list_queries_do_not_grow(
    api_client: Any, cast: Any, login: Any, issue: Any, django_assert_max_num_queries: Any
) -> None:
    for user in cast.users().values():
        issue(user)
    login(api_client, cast.admin)
    with django_assert_max_num_queries(10):
        assert len(api_client.get(LIST).json()["results"]) == len(cast.users())

"""The accounts API: the scoped user directory and /me."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from cpims.accounts import permissions as P
from cpims.accounts import roles as R

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cpims.accounts.tests.urls_api")]
LIST = "/api/v1/users/"


def _detail(user: Any) -> str:
    return f"/api/v1/users/{user.public_id}/"


def test_coordinator_lists_users_in_their_county(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert {u["username"] for u in body["results"]} == {"nairobi_coordinator", "nairobi_officer", "partner_caseworker"}
    officer = next(u for u in body["results"] if u["username"] == "nairobi_officer")
    assert officer["assignments"][0]["role"] == R.SUBCOUNTY_OFFICER
    assert "password" not in officer and "id" not in officer


def test_retrieve_in_scope_and_404_outside(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.get(_detail(cast.nairobi_officer))
    assert response.status_code == 200 and response.json()["public_id"] == str(cast.nairobi_officer.public_id)
    assert client.get(_detail(cast.turkana_officer)).status_code == 404
    assert client.get(f"/api/v1/users/{uuid.uuid4()}/").status_code == 404


def test_without_user_view_403(client: Client, cast: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, LIST) == 403
    assert client.get(_detail(cast.nairobi_officer)).status_code == 403


def test_anonymous_is_refused(client: Client, cast: Any) -> None:
    assert client.get(LIST).status_code == 401


def test_read_only(client: Client, cast: Any, login: Any) -> None:
    from cpims.accounts.models import User

    login(client, cast.admin)
    assert client.post(LIST, {"username": "x"}, content_type="application/json").status_code == 403
    assert client.delete(_detail(cast.nairobi_officer)).status_code == 403
    assert not User.objects.filter(username="x").exists()
    assert User.objects.filter(pk=cast.nairobi_officer.pk).exists()


def test_list_queries_do_not_grow(client: Client, cast: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    login(client, cast.admin)
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


def test_me(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    body = client.get("/api/v1/me/").json()
    assert body["username"] == "nairobi_officer"
    assert body["assignments"][0]["org_unit_code"] == "DCS-SC274"
    assert P.CASE_VIEW in body["permissions"] and P.USER_MANAGE not in body["permissions"]
    assert body["two_factor_enabled"] is True


def test_me_needs_a_second_factor_for_session_callers(
    client: Client, cast: Any, login_unverified: Any, settings: Any
) -> None:
    settings.CPIMS_REQUIRE_2FA = True
    login_unverified(client, cast.nairobi_officer)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and "detail" in response.json()


def test_me_anonymous(client: Client, db: Any) -> None:
    assert client.get("/api/v1/me/").status_code == 401

"""AreaViewSet: counties, sub-counties and wards over the API."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cpims.geo.tests.api_urls")]

URL = "/api/v1/areas/"


@pytest.fixture
def api(cast: Any, login: Any) -> APIClient:
    return login(APIClient(), cast.partner)


def test_anonymous_is_refused(reference: None) -> None:
    assert APIClient().get(URL).status_code == 401


def test_list_counties(api: APIClient) -> None:
    response = api.get(URL, {"level": "county"})
    assert response.status_code == 200
    assert response.json()["count"] == 47
    first = response.json()["results"][0]
    assert first == {
        "key": "county-001",
        "level": "county",
        "code": "001",
        "name": "Mombasa",
        "parent": None,
        "county": "001",
        "sub_county": None,
        "region": "01",
    }


def test_sub_counties_of_a_county_by_parent_key(api: APIClient) -> None:
    response = api.get(URL, {"parent": "county-047"})
    assert response.json()["count"] == 17
    assert {r["level"] for r in response.json()["results"]} == {"sub_county"}


def test_wards_of_a_county(api: APIClient, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(8):
        response = api.get(URL, {"county": "047", "level": "ward"})
    assert response.json()["count"] == 85


def test_unknown_parent_gives_nothing(api: APIClient) -> None:
    assert api.get(URL, {"parent": "nowhere"}).json()["count"] == 0


def test_retrieve_by_key(api: APIClient) -> None:
    response = api.get(f"{URL}sub_county-274/")
    assert response.status_code == 200
    assert response.json()["name"] == "Westlands"
    assert response.json()["parent"] == "county-047"
    assert response.json()["county"] == "047" and response.json()["sub_county"] == "274"
    # The same code names a different place at another level.
    assert api.get(f"{URL}county-047/").json()["name"] == "Nairobi"


def test_unknown_key_is_not_found(api: APIClient) -> None:
    assert api.get(f"{URL}county-999/").status_code == 404
    assert api.get(f"{URL}province-001/").status_code == 404


def test_read_only(api: APIClient) -> None:
    assert api.post(URL, {"level": "county", "code": "048", "name": "X"}, format="json").status_code == 405

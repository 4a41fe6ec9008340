"""The search API's refinements: an age or a date of birth ranks equal names (never filters),
a range filters; bad values are a 400; the ranking stays within the scope; both are in the schema."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cpims.api.tests.schema import clean_schema
from cpims.registry.tests.conftest import years_ago

pytestmark = pytest.mark.urls("cpims.registry.tests.api_urls")
SEARCH = "/api/v1/children/search/"
LIST = "/api/v1/children/"


@pytest.fixture
def brians(people: Any) -> dict[int, Any]:
    return {
        age: people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(age, 100))
        for age in (3, 9, 15)
    }


def ids(body: dict[str, Any]) -> list[str]:
    return [r["public_id"] for r in body["results"]]


def test_age_and_date_of_birth_rank_without_filtering(api: Any, cast: Any, brians: Any) -> None:
    client = api(cast.nairobi_officer)
    by_age = client.post(SEARCH, {"q": "Brian Otieno", "age": 15}, format="json").json()
    assert ids(by_age) == [str(brians[a].public_id) for a in (15, 9, 3)]
    born = years_ago(3).isoformat()
    by_date = client.get(LIST, {"q": "otieno brian", "date_of_birth": born}).json()
    assert ids(by_date)[0] == str(brians[3].public_id) and by_date["count"] == 3
    ranged = client.post(SEARCH, {"q": "Brian Otieno", "age_min": 8, "age_max": 16}, format="json").json()
    assert set(ids(ranged)) == {str(brians[9].public_id), str(brians[15].public_id)}


@pytest.mark.parametrize(
    "bad", [{"age": "nine"}, {"age": -1}, {"age": 500}, {"date_of_birth": "yesterday"}, {"date_of_birth": "2020-02-30"}]
)
def test_bad_refinements_are_a_400(api: Any, cast: Any, bad: dict[str, Any]) -> None:
    response = api(cast.nairobi_officer).post(SEARCH, {"q": "Brian", **bad}, format="json")
    assert response.status_code == 400


def test_refinements_never_cross_scope(api: Any, cast: Any, brians: Any) -> None:
    for user in (cast.turkana_officer, cast.turkana_coordinator):
        body = api(user).post(SEARCH, {"q": "Brian Otieno", "age": 9}, format="json").json()
        assert body["count"] == 0 and body["results"] == []
    assert api(cast.stakeholder).post(SEARCH, {"q": "Brian Otieno", "age": 9}, format="json").status_code == 403
    assert APIClient().post(SEARCH, {"q": "Brian Otieno"}, format="json").status_code == 401
    national = api(cast.national_me).post(SEARCH, {"q": "Brian Otieno", "age": 3}, format="json").json()
    assert ids(national)[0] == str(brians[3].public_id)


def test_refinements_are_in_the_schema() -> None:
    schema = clean_schema("cpims.registry.tests.api_urls")
    listed = {p["name"] for p in schema["paths"]["/api/v1/children/"]["get"]["parameters"]}
    assert {"age", "date_of_birth", "sex", "ward", "sub_county", "county", "age_min", "age_max"} <= listed
    body = schema["paths"]["/api/v1/children/search/"]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"age", "date_of_birth"} <= set(schema["components"]["schemas"][ref]["properties"])

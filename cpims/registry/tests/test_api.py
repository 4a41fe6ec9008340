"""The registry API: search, read, register (409 on likely duplicates), update, duplicate check;
same scope rules as the pages; clean OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cpims.api.tests.schema import clean_schema
from cpims.audit.models import AuditEvent
from cpims.registry.models import Person
from cpims.registry.tests.conftest import years_ago

pytestmark = pytest.mark.urls("cpims.registry.tests.api_urls")
BASE = "/api/v1/children/"


def payload(people: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": "Wanjiku",
        "last_name": "Kamau",
        "sex": "female",
        "date_of_birth": years_ago(8, 40).isoformat(),
        "ward": people.westlands_ward.code,
        "identifiers": [{"type": "ISOV", "value": "BC-9001"}],
        "relatives": [
            {"relationship": "mother", "first_name": "Njeri", "last_name": "Wambui", "sex": "female"},
            {"relationship": "father", "parent_status": "deceased"},
            {"relationship": "sibling", "first_name": "Mwangi", "last_name": "Kamau", "sex": "male", "age_years": 5},
        ],
        "consent_given_by": "guardian",
    }
    data.update(changes)
    return data


def test_register_read_and_search(api: Any, cast: Any, people: Any) -> None:
    client = api(cast.nairobi_officer)
    response = client.post(BASE, payload(people), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["cpims_number"].startswith("CP") and body["ward"] == people.westlands_ward.code
    assert body["identifiers"] == [{"type": "ISOV", "type_label": "Birth Registration Number", "value": "BC-9001"}]
    assert Person.objects.count() == 3
    read = client.get(f"{BASE}{body['public_id']}/")
    assert read.status_code == 200 and read.json()["first_name"] == "Wanjiku"
    assert AuditEvent.objects.filter(action="person.view", details__via="api").count() == 1
    found = client.post(f"{BASE}search/", {"q": "kamao wanjiko"}, format="json").json()
    assert [r["public_id"] for r in found["results"]] == [body["public_id"]]
    listed = client.get(BASE, {"age_max": 6}).json()
    assert [r["first_name"] for r in listed["results"]] == ["Mwangi"]


def test_likely_duplicate_answers_409_until_confirmed(api: Any, cast: Any, people: Any) -> None:
    people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 40))
    client = api(cast.nairobi_officer)
    data = payload(people, first_name="Wanjiko", relatives=[], identifiers=[])
    response = client.post(BASE, data, format="json")
    assert response.status_code == 409
    assert response.json()["candidates"][0]["person"]["first_name"] == "Wanjiku"
    check = client.post(f"{BASE}duplicates/", data, format="json").json()
    assert len(check["candidates"]) == 1
    response = client.post(BASE, {**data, "register_anyway": True}, format="json")
    assert response.status_code == 201


def test_bad_input_is_400_and_writes_nothing(api: Any, cast: Any, people: Any) -> None:
    client = api(cast.nairobi_officer)
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(BASE, payload(people, date_of_birth=future), format="json")
    assert response.status_code == 400
    assert "future" in response.json()["errors"]["child.date_of_birth"][0]
    response = client.post(BASE, payload(people, ward="9999"), format="json")
    assert response.status_code == 400 and "Unknown ward" in response.json()["errors"]["ward"][0]
    people.nairobi_child("Brian", "Otieno", identifiers=[])
    client.post(BASE, payload(people, register_anyway=True), format="json")
    response = client.post(
        BASE, payload(people, first_name="Zawadi", last_name="Mutua", relatives=[], register_anyway=True), format="json"
    )
    assert response.status_code == 400
    assert "already registered" in response.json()["errors"]["child.identifiers"][0]
    assert Person.objects.filter(first_name="Zawadi").count() == 0


def test_update_with_stale_check(api: Any, cast: Any, people: Any) -> None:
    child = people.nairobi_child()
    client = api(cast.nairobi_officer)
    data = {
        "first_name": "Wanjiru",
        "last_name": "Kamau",
        "sex": "female",
        "date_of_birth": child.date_of_birth.isoformat(),
        "ward": child.ward.code,
        "updated_at": child.updated_at.isoformat(),
    }
    response = client.put(f"{BASE}{child.public_id}/", data, format="json")
    assert response.status_code == 200 and response.json()["first_name"] == "Wanjiru"
    response = client.put(f"{BASE}{child.public_id}/", {**data, "first_name": "Njeri"}, format="json")
    assert response.status_code == 400
    assert "Someone else changed this record" in response.json()["detail"]


def test_scope(api: Any, cast: Any, people: Any) -> None:
    child = people.nairobi_child()
    turkana = api(cast.turkana_officer)
    assert turkana.get(f"{BASE}{child.public_id}/").status_code == 404
    assert turkana.post(f"{BASE}search/", {"q": "Wanjiku Kamau"}, format="json").json()["results"] == []
    assert turkana.put(f"{BASE}{child.public_id}/", {}, format="json").status_code == 404
    national = api(cast.national_me)
    assert national.get(f"{BASE}{child.public_id}/").status_code == 200
    assert national.put(f"{BASE}{child.public_id}/", {}, format="json").status_code == 403
    assert national.post(BASE, payload(people), format="json").status_code == 403
    assert api(cast.stakeholder).get(BASE).status_code == 403
    assert APIClient().get(BASE).status_code == 401
    # A unit one does not register for is refused.
    other = payload(people, org_unit=str(cast.turkana_central_office.public_id))
    assert api(cast.nairobi_officer).post(BASE, other, format="json").status_code == 403


def test_schema_is_clean() -> None:
    schema = clean_schema("cpims.registry.tests.api_urls")
    paths = schema["paths"]
    assert {"/api/v1/children/", "/api/v1/children/{public_id}/", "/api/v1/children/search/"} <= set(paths)
    assert "/api/v1/children/duplicates/" in paths
    assert "409" in paths["/api/v1/children/"]["post"]["responses"]


def test_list_without_filters_pages_through_the_scope(
    api: Any, cast: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    from cpims.registry.queries import PAGE_SIZE

    names = ["Amani", "Baraka", "Chebet"]
    for name in names:
        people.nairobi_child(name, "Otieno")
    people.turkana_child()
    client = api(cast.nairobi_officer)
    with django_assert_max_num_queries(20) as few:
        body = client.get(BASE).json()
    assert body["count"] == 3 and body["pages"] == 1
    assert [r["first_name"] for r in body["results"]] == names[::-1]  # newest first
    for i in range(PAGE_SIZE):
        people.nairobi_child(f"Child{i}", "Otieno")
    with django_assert_max_num_queries(len(few.captured_queries)):  # a full page costs no more
        body = client.get(BASE).json()
    assert body["count"] == PAGE_SIZE + 3 and body["pages"] == 2 and len(body["results"]) == PAGE_SIZE
    assert len(client.get(BASE, {"page": 2}).json()["results"]) == 3
    event = AuditEvent.objects.filter(action="person.search").latest("id")
    assert event.details == {"filters": [], "mode": "list", "results": PAGE_SIZE + 3, "via": "api"}
    # Another county's officer sees only their own county's children.
    turkana = api(cast.turkana_officer).get(BASE).json()
    assert turkana["count"] == 1 and [r["first_name"] for r in turkana["results"]] == ["Akai"]

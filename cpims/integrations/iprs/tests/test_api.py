"""The IPRS API: POST a check (201 with the result, 503 when IPRS cannot answer), GET the checks
(scoped, filtered by person), 404 for another county, 403 for read-only users, and both in the
OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.integrations.iprs.tests.conftest import NUMBER
from cpims.registry.models import IdentifierVerification

pytestmark = pytest.mark.django_db

URL = "/api/v1/iprs/verifications/"


def _body(identifier: Any, value: str = NUMBER) -> dict[str, Any]:
    return {"person": str(identifier.person.public_id), "type": "ISOV", "value": value}


def test_post_checks_now_and_get_lists(
    client: Any, login: Any, cast: Any, iprs: Any, identifier: Any, django_assert_max_num_queries: Any
) -> None:
    iprs.hold(NUMBER, "Wanjiku", "Achieng", "Kamau", "2015-03-14")
    login(client, cast.nairobi_officer)
    response = client.post(URL, _body(identifier, value=NUMBER.lower()), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "mismatch" and data["type"] == "ISOV" and data["verified_by"] == "nairobi_officer"
    assert data["differences"] == [{"field": "date_of_birth", "ours": "2016-03-14", "theirs": "2015-03-14"}]
    client.post(URL, _body(identifier), content_type="application/json")
    with django_assert_max_num_queries(10):
        listed = client.get(URL, {"person": str(identifier.person.public_id)})
    assert listed.status_code == 200
    results = listed.json()["results"]
    assert len(results) == 2 and results[0]["person"] == str(identifier.person.public_id)


def test_iprs_down_is_503_and_nothing_recorded(client: Any, login: Any, cast: Any, iprs: Any, identifier: Any) -> None:
    iprs.status = 503
    login(client, cast.nairobi_officer)
    response = client.post(URL, _body(identifier), content_type="application/json")
    assert response.status_code == 503 and response.json()["code"] == "down"
    assert not IdentifierVerification.objects.exists()


def test_an_unknown_number_of_the_person_is_400(client: Any, login: Any, cast: Any, iprs: Any, identifier: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(URL, _body(identifier, value="OTHER-1"), content_type="application/json")
    assert response.status_code == 400 and iprs.requests == []
    bad = client.post(URL, {"person": "not-a-uuid", "type": "ISOV", "value": "x"}, content_type="application/json")
    assert bad.status_code == 400


def test_scope(client: Any, login: Any, cast: Any, iprs: Any, identifier: Any) -> None:
    login(client, cast.nairobi_officer)
    client.post(URL, _body(identifier), content_type="application/json")
    person = {"person": str(identifier.person.public_id)}
    login(client, cast.turkana_officer)
    assert client.post(URL, _body(identifier), content_type="application/json").status_code == 404
    assert client.get(URL, person).status_code == 404
    assert client.get(URL).json()["results"] == []
    login(client, cast.national_me)
    assert client.post(URL, _body(identifier), content_type="application/json").status_code == 403
    assert len(client.get(URL, person).json()["results"]) == 1
    login(client, cast.stakeholder)
    assert client.get(URL).status_code == 403
    assert len(iprs.requests) == 1


def test_in_the_openapi_schema(client: Any, login: Any, cast: Any) -> None:
    login(client, cast.nairobi_officer)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/iprs/verifications/" in schema
    assert "iprs_verifications_create" in schema and "iprs_verifications_list" in schema

"""The DHIS2 API: push logs (national DHIS2 users) and the data value set preview."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/dhis2/push-logs/"
DVS = "/api/v1/dhis2/data-value-set/"
COCS = "/api/v1/dhis2/category-option-combos/"
ORG_UNITS = "/api/v1/dhis2/org-units/"


def test_push_logs_list_and_detail(
    client: Any, login: Any, cast: Any, server: Any, period: Any, django_assert_max_num_queries: Any
) -> None:
    from cpims.integrations.dhis2.models import PushLog

    logs = [
        PushLog.objects.create(
            server=server,
            actor=cast.national_me,
            actor_username="national_me",
            period=period.code,
            period_dhis2=period.dhis2,
            status="warning",
            org_units=[{"uid": "Abcdefghij1", "key": "county-047"}],
            conflicts=[{"object": "x", "value": "y"}],
        )
        for _i in range(3)
    ]
    login(client, cast.national_me)
    with django_assert_max_num_queries(12):
        response = client.get(LOGS)
    assert response.status_code == 200
    results = response.json()["results"] if "results" in response.json() else response.json()
    assert len(results) == 3
    first = results[0]
    assert first["status"] == "warning" and first["server"] == "Fake KHIS" and first["by"] == "national_me"
    assert first["org_units"] == ["Abcdefghij1"] and first["conflicts"] == [{"object": "x", "value": "y"}]
    detail = client.get(f"{LOGS}{logs[0].public_id}/")
    assert detail.status_code == 200 and detail.json()["public_id"] == str(logs[0].public_id)


@pytest.mark.parametrize("who", ["nairobi_coordinator", "turkana_coordinator", "stakeholder", "admin"])
def test_others_get_403(client: Any, cast: Any, who: str, status_as: Any) -> None:
    assert status_as(cast.users()[who], LOGS) == 403
    assert client.get(DVS, {"period": "2026/27-Q1"}).status_code == 403
    assert client.get(COCS).status_code == 403
    assert client.get(ORG_UNITS).status_code == 403


def test_category_option_combo_mapping_list(client: Any, login: Any, cast: Any) -> None:
    login(client, cast.national_me)
    response = client.get(COCS)
    assert response.status_code == 200 and response.json()["count"] == 24
    first = response.json()["results"][0]
    assert set(first) == {"sex", "band", "uid", "name", "is_placeholder"} and first["is_placeholder"] is True
    assert client.post(COCS, {"sex": "male"}).status_code == 405  # read-only


def test_org_unit_mapping_list_all_or_one_county(
    client: Any, login: Any, cast: Any, django_assert_max_num_queries: Any
) -> None:
    from cpims.integrations.dhis2.models import OrgUnitMapping

    login(client, cast.national_me)
    with django_assert_max_num_queries(10):
        response = client.get(ORG_UNITS)
    payload = response.json()
    assert response.status_code == 200 and payload["count"] == OrgUnitMapping.objects.count() == 337
    assert len(payload["results"]) == 50
    nairobi = client.get(ORG_UNITS, {"county": "047"}).json()["results"]
    assert nairobi[0] == {
        "kind": "county",
        "key": "county-047",
        "label": cast.nairobi_office.county.name,
        "uid": OrgUnitMapping.objects.get(code="KE_C047").uid,
        "code": "KE_C047",
        "name": OrgUnitMapping.objects.get(code="KE_C047").name,
        "is_active": True,
        "is_placeholder": True,
    }
    assert {row["kind"] for row in nairobi[1:]} == {"sub_county"} and "KE_SC274" in {row["code"] for row in nairobi}
    bad = client.get(ORG_UNITS, {"county": "99"})
    assert bad.status_code == 400 and "county" in str(bad.json())


def test_data_value_set_preview(
    client: Any, login: Any, cast: Any, server: Any, nairobi_cases: Any, period: Any
) -> None:
    login(client, cast.national_me)
    response = client.get(DVS, {"period": period.code, "county": "047"})
    assert response.status_code == 200
    payload = response.json()
    assert list(payload) == ["dataSet", "period", "orgUnit", "completeDate", "dataValues"]
    assert len(payload["dataValues"]) == 3  # all cases, neglect, abuse: girls 6-10
    assert all(v["period"] == period.dhis2 for v in payload["dataValues"])


@pytest.mark.parametrize(
    ("params", "field"), [({"period": "soon"}, "period"), ({"period": "2026-07", "county": "99"}, "county")]
)
def test_data_value_set_bad_input_is_400(client: Any, login: Any, cast: Any, params: dict, field: str) -> None:
    login(client, cast.national_me)
    response = client.get(DVS, params)
    assert response.status_code == 400
    assert field in str(response.json())


def test_listed_in_the_openapi_schema(client: Any, login: Any, cast: Any) -> None:
    login(client, cast.national_me)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "/api/v1/dhis2/push-logs/" in schema and "/api/v1/dhis2/data-value-set/" in schema
    assert COCS in schema and ORG_UNITS in schema

"""OrgUnitViewSet: organisation units over the API, through the scope rules and the actions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from cpims.audit.models import AuditEvent
from cpims.geo.models import OrgUnit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cpims.geo.tests.api_urls")]

URL = "/api/v1/org-units/"


def _detail(unit: OrgUnit) -> str:
    return f"{URL}{unit.public_id}/"


@pytest.fixture
def as_user(login: Any) -> Any:
    def make(user: Any) -> APIClient:
        return login(APIClient(), user)

    return make


def test_anonymous_is_refused(reference: None) -> None:
    assert APIClient().get(URL).status_code == 401


def test_list_is_restricted_to_scope(cast: Any, as_user: Any) -> None:
    api = as_user(cast.nairobi_officer)
    response = api.get(URL, {"kind": "sub_county_office"})
    assert response.status_code == 200
    codes = {r["code"] for r in response.json()["results"]}
    assert codes == {"DCS-SC274"}  # a sub-county officer sees their own sub-county
    response = as_user(cast.partner).get(URL)
    assert [r["code"] for r in response.json()["results"]] == ["NGO-TEST-1"]


def test_list_filters_and_query_count(cast: Any, as_user: Any, django_assert_max_num_queries: Any) -> None:
    api = as_user(cast.admin)
    with django_assert_max_num_queries(8):
        response = api.get(URL, {"county": "047", "kind": "sub_county_office"})
    assert response.json()["count"] == 17
    row = next(r for r in response.json()["results"] if r["code"] == "DCS-SC274")
    assert row["area"] == "sub_county-274"
    assert row["county"] == "047" and row["sub_county"] == "274"
    assert row["parent"] == str(cast.nairobi_office.public_id)
    assert api.get(URL, {"q": "westlands"}).json()["count"] == 1


def test_retrieve_in_and_out_of_scope(cast: Any, as_user: Any) -> None:
    assert as_user(cast.nairobi_officer).get(_detail(cast.westlands_office)).status_code == 200
    assert as_user(cast.turkana_officer).get(_detail(cast.westlands_office)).status_code == 404
    assert as_user(cast.admin).get(f"{URL}{uuid.uuid4()}/").status_code == 404


def test_create_by_a_coordinator(cast: Any, as_user: Any) -> None:
    api = as_user(cast.nairobi_coordinator)
    response = api.post(
        URL,
        {
            "code": "fbo-wl-1",
            "name": "Westlands Faith Children Programme",
            "kind": "fbo",
            "parent": str(cast.westlands_office.public_id),
            "area": "sub_county-274",
            "email": "fbo@example.org",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "FBO-WL-1"
    assert response.json()["county"] == "047" and response.json()["sub_county"] == "274"
    unit = OrgUnit.objects.get(public_id=response.json()["public_id"])
    assert AuditEvent.objects.filter(action="orgunit.create", object_id=str(unit.public_id)).exists()


def test_create_errors_are_field_errors(cast: Any, as_user: Any) -> None:
    api = as_user(cast.nairobi_coordinator)
    response = api.post(
        URL, {"code": "DCS-HQ", "name": "X", "kind": "county_office", "area": "ward-0001"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"code", "area"}
    response = api.post(URL, {"code": "X-1", "name": "X", "kind": "ngo", "area": "ward-9999"}, format="json")
    assert response.status_code == 400 and "area" in response.json()["errors"]
    before = OrgUnit.objects.count()
    response = api.post(URL, {"code": "X-2", "name": "X", "kind": "ngo", "area": "sub_county-125"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["area"] == ["You can only place units within the area you manage."]
    assert OrgUnit.objects.count() == before


def test_a_parent_outside_view_scope_cannot_be_named(cast: Any, as_user: Any) -> None:
    api = as_user(cast.nairobi_coordinator)
    response = api.post(
        URL,
        {
            "code": "X-3",
            "name": "X",
            "kind": "ngo",
            "area": "sub_county-274",
            "parent": str(cast.turkana_office.public_id),
        },
        format="json",
    )
    assert response.status_code == 400 and "parent" in response.json()["errors"]


@pytest.mark.parametrize("who", ["nairobi_officer", "stakeholder", "partner"])
def test_create_needs_manage_permission(cast: Any, as_user: Any, who: str) -> None:
    response = as_user(getattr(cast, who)).post(URL, {"code": "X-4", "name": "X", "kind": "ngo"}, format="json")
    assert response.status_code == 403


def test_update_with_the_version_read(cast: Any, as_user: Any) -> None:
    api = as_user(cast.nairobi_coordinator)
    read = api.get(_detail(cast.westlands_office)).json()
    response = api.patch(
        _detail(cast.westlands_office), {"phone": "+254 20 555 5555", "updated_at": read["updated_at"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "+254 20 555 5555"
    assert response.json()["updated_at"] != read["updated_at"]
    assert AuditEvent.objects.filter(action="orgunit.update").count() == 1


def test_update_without_the_version_is_refused(cast: Any, as_user: Any) -> None:
    api = as_user(cast.nairobi_coordinator)
    response = api.patch(_detail(cast.westlands_office), {"phone": "1"}, format="json")
    assert response.status_code == 400 and "updated_at" in response.json()["errors"]


def test_a_stale_update_is_a_conflict_and_writes_nothing(cast: Any, as_user: Any) -> None:
    api = as_user(cast.nairobi_coordinator)
    read = api.get(_detail(cast.westlands_office)).json()
    first = api.patch(_detail(cast.westlands_office), {"phone": "1", "updated_at": read["updated_at"]}, format="json")
    assert first.status_code == 200
    second = api.patch(_detail(cast.westlands_office), {"phone": "2", "updated_at": read["updated_at"]}, format="json")
    assert second.status_code == 409
    assert "changed this unit after you opened it" in second.json()["detail"]
    cast.westlands_office.refresh_from_db()
    assert cast.westlands_office.phone == "1"
    assert AuditEvent.objects.filter(action="orgunit.update").count() == 1


def test_update_scope(cast: Any, as_user: Any) -> None:
    read = as_user(cast.admin).get(_detail(cast.westlands_office)).json()
    body = {"phone": "3", "updated_at": read["updated_at"]}
    assert (
        as_user(cast.turkana_coordinator).patch(_detail(cast.westlands_office), body, format="json").status_code == 404
    )
    assert as_user(cast.nairobi_officer).patch(_detail(cast.westlands_office), body, format="json").status_code == 403


def test_no_delete(cast: Any, as_user: Any) -> None:
    assert as_user(cast.admin).delete(_detail(cast.nairobi_ngo)).status_code == 405


def test_a_full_update_may_keep_a_parent_outside_scope(cast: Any, as_user: Any) -> None:
    api = as_user(cast.nairobi_coordinator)
    body = api.get(_detail(cast.nairobi_office)).json()
    assert body["parent"] == str(cast.hq.public_id)
    body["phone"] = "+254 20 777 7777"
    response = api.put(_detail(cast.nairobi_office), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["parent"] == str(cast.hq.public_id)
    # Naming headquarters as the parent of another unit is still refused.
    other = api.get(_detail(cast.westlands_office)).json()
    other["parent"] = str(cast.hq.public_id)
    assert api.put(_detail(cast.westlands_office), other, format="json").status_code == 400

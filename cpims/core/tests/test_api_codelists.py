"""CodeListViewSet: the DCS code lists over the API."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cpims.core.codelists import codes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cpims.geo.tests.api_urls")]

URL = "/api/v1/code-lists/"


@pytest.fixture
def api(cast: Any, login: Any) -> APIClient:
    return login(APIClient(), cast.stakeholder)


def test_anonymous_is_refused(reference: None) -> None:
    assert APIClient().get(URL).status_code == 401


def test_one_list_with_its_codes_in_order(api: APIClient) -> None:
    response = api.get(f"{URL}case_category_id/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "case_category_id" and body["title"] == "Case Category" and body["version"] == 1
    assert len(body["codes"]) == 43
    assert body["codes"][0] == {
        "code": "CDIS",
        "label": "Abandoned",
        "label_sw": "Mtoto aliyetelekezwa",
        "short_label": "Abandoned",
        "order": 1,
        "sub_list": None,
        "is_active": True,
    }
    labour = next(c for c in body["codes"] if c["code"] == "CTRF")
    assert labour["sub_list"] == "child_labour_id"


def test_retired_codes_are_flagged_or_left_out(api: APIClient) -> None:
    code = codes("intervention_id").first()
    assert code is not None
    code.is_active = False
    code.save(update_fields=["is_active"])
    all_codes = api.get(f"{URL}intervention_id/").json()["codes"]
    assert len(all_codes) == 36
    assert [c["is_active"] for c in all_codes].count(False) == 1
    assert len(api.get(f"{URL}intervention_id/", {"active_only": "true"}).json()["codes"]) == 35


def test_list_is_paginated_with_constant_queries(api: APIClient, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(8):
        response = api.get(URL)
    body = response.json()
    assert body["count"] == 228  # the DCS lists and the CTiP app's own
    assert len(body["results"]) == 50
    assert all("codes" in row for row in body["results"])


def test_unknown_list_is_not_found(api: APIClient) -> None:
    assert api.get(f"{URL}no_such_list/").status_code == 404


def test_read_only(api: APIClient) -> None:
    assert api.post(URL, {"name": "x"}, format="json").status_code == 405

"""The registers' API: the officer lists, reads and creates; others are refused; in the schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cpims.privacy.tests.conftest import register

pytestmark = pytest.mark.django_db


def test_subject_requests_api(dpo: Any, cast: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    register(dpo, child)
    api = APIClient()
    api.force_authenticate(dpo)
    body = api.get("/api/v1/subject-requests/").json()
    assert body["results"][0]["child"] == child.cpims_number if "results" in body else body[0]["child"]
    created = api.post(
        "/api/v1/subject-requests/",
        {
            "kind": "correction",
            "child": child.cpims_number,
            "requester_name": "Rehema Testmother",
            "requester_relationship": "mother",
            "identity_checked": "national_id",
            "received_on": timezone.localdate().isoformat(),
            "details": "Wrong village.",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert api.post("/api/v1/subject-requests/", {"kind": "access", "child": "CP1"}, format="json").status_code == 400
    other = APIClient()
    other.force_authenticate(cast.national_me)
    assert other.get("/api/v1/subject-requests/").status_code == 403


def test_breaches_api(dpo: Any, cast: Any) -> None:
    api = APIClient()
    api.force_authenticate(dpo)
    created = api.post(
        "/api/v1/breaches/", {"title": "Laptop stolen", "discovered_at": timezone.now().isoformat()}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["notify_by"]
    detail = api.get(f"/api/v1/breaches/{created.json()['public_id']}/")
    assert detail.status_code == 200
    other = APIClient()
    other.force_authenticate(cast.admin)
    assert other.get("/api/v1/breaches/").status_code == 403


def test_in_the_openapi_schema(dpo: Any) -> None:
    api = APIClient()
    api.force_authenticate(dpo)
    schema = api.get("/api/v1/schema/").content.decode()
    assert "/api/v1/subject-requests/" in schema and "/api/v1/breaches/" in schema

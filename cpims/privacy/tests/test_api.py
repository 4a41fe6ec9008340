"""The registers' API: the officer lists, reads and creates; others are refused; in the schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cpims.audit.models import AuditEvent
from cpims.privacy.tests.conftest import record_breach, register

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


def test_children_a_user_touched_through_the_api(dpo: Any, cast: Any, child_file: Any) -> None:
    child, _case, other_child = child_file  # both registered by the Westlands officer
    breach = record_breach(dpo)
    now = timezone.now()
    url = f"/api/v1/breaches/{breach.public_id}/touched/"
    window = {
        "touched_by": cast.nairobi_officer.username,
        "start": (now - dt.timedelta(hours=1)).isoformat(),
        "end": (now + dt.timedelta(hours=1)).isoformat(),
    }
    api = APIClient()
    api.force_authenticate(dpo)
    body = api.get(url, window).json()
    numbers = {c["cpims_number"] for c in body["children"]}
    assert child.cpims_number in numbers and body["events"] > 0 and body["truncated"] is False
    assert AuditEvent.objects.filter(action="breach.touched_lookup", actor=dpo).count() == 1
    # Someone who touched nothing in the window: no children.
    quiet = api.get(url, {**window, "touched_by": cast.turkana_officer.username}).json()
    assert quiet["children"] == [] and quiet["events"] == 0
    # An earlier window holds none of today's events.
    earlier = {
        **window,
        "start": (now - dt.timedelta(days=3)).isoformat(),
        "end": (now - dt.timedelta(days=2)).isoformat(),
    }
    assert api.get(url, earlier).json()["children"] == []
    # Bad windows and unknown users are 400, never a 500.
    assert api.get(url, {**window, "end": "garbage"}).status_code == 400
    assert api.get(url, {**window, "touched_by": "nobody-here"}).status_code == 400
    assert api.get(url, {}).status_code == 400
    added = api.post(url, window, format="json")
    assert added.status_code == 200, added.content
    assert added.json()["added"] == len(numbers)
    assert breach.people.filter(pk=child.pk).exists() and breach.people.filter(pk=other_child.pk).exists()
    assert api.post(url, window, format="json").json()["added"] == 0  # a retry adds nothing twice
    # Only the data protection officer.
    other = APIClient()
    other.force_authenticate(cast.national_me)
    assert other.get(url, window).status_code == 403
    assert other.post(url, window, format="json").status_code == 403

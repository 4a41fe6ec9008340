"""Retention API: the system administrator reads and changes the schedule, places and releases
holds and reads runs; everyone else gets 403."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.retention.models import LegalHold, RetentionRule
from cpims.retention.tests.conftest import rules

pytestmark = pytest.mark.django_db


def test_rules_list_and_change_with_version(admin_client: Any) -> None:
    rows = admin_client.get("/api/v1/retention-rules/").json()
    assert {r["kind"] for r in rows["results"]} >= {"closed_case", "audit_event"}
    rule = RetentionRule.objects.get(kind="download")
    url = f"/api/v1/retention-rules/{rule.public_id}/"
    body = {"period": 14, "unit": "days", "enabled": True, "reason": "Two weeks.", "version": rule.version}
    answer = admin_client.patch(url, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["period"] == 14
    stale = admin_client.patch(url, {**body, "period": 3}, content_type="application/json")
    assert stale.status_code == 400
    bad = admin_client.patch(url, {**body, "unit": "years", "version": 2}, content_type="application/json")
    assert bad.status_code == 400  # downloads are kept for days
    assert RetentionRule.objects.get(pk=rule.pk).period == 14


def test_hold_create_and_release(admin_client: Any, cast: Any) -> None:
    from cpims.cases.tests.conftest import open_case

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    made = admin_client.post(
        "/api/v1/legal-holds/", {"number": case.case_number, "reason": "Court case"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["case_number"] == case.case_number
    assert (
        admin_client.post(
            "/api/v1/legal-holds/", {"number": "X", "reason": "r"}, content_type="application/json"
        ).status_code
        == 400
    )
    hold = LegalHold.objects.get(case=case)
    released = admin_client.post(f"/api/v1/legal-holds/{hold.public_id}/release/")
    assert released.status_code == 200 and released.json()["active"] is False
    assert admin_client.post(f"/api/v1/legal-holds/{hold.public_id}/release/").status_code == 400  # already released


def test_others_get_403(client: Any, cast: Any, login: Any) -> None:
    rules()
    login(client, cast.national_me)
    for url in ("/api/v1/retention-rules/", "/api/v1/legal-holds/", "/api/v1/retention-runs/"):
        assert client.get(url).status_code == 403

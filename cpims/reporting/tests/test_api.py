"""Caseload API: scoped like the pages, suppressed for aggregate-only callers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db
URL = reverse("api:reports-caseload")


def test_caseload_json(client: Any, cast: Any, login: Any) -> None:
    for i in range(6):
        case(
            cast.nairobi_officer,
            cast.westlands_office,
            reported_on=dt.date(2025, 7, 10),
            sex="male" if i % 2 else "female",
        )
    login(client, cast.national_me)
    data = client.get(URL, {"period": "2025/26", "area": "county-047", "rows": "category", "bands": "dcs"}).json()
    assert data["period"] == "2025/26"
    assert data["area"] == "county-047"
    assert data["counts"] == "categories"
    assert data["suppressed"] is False
    assert data["total"] == 6
    assert len(data["columns"]) == 12
    assert sum(row["total"] for row in data["rows"]) == 6
    status = client.get(URL, {"period": "2025/26", "rows": "status"}).json()
    assert status["counts"] == "cases"
    assert {row["key"]: row["total"] for row in status["rows"]}["reported"] == 6


def test_services_recorded_table_json(client: Any, cast: Any, login: Any) -> None:
    from cpims.cases.actions import service_record
    from cpims.cases.models import ServiceRecord
    from cpims.cases.tests.conftest import code

    for i in range(2):
        opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10))
        service_record(
            actor=cast.nairobi_officer,
            child=opened.child,
            case=opened,
            service=code("intervention_id", "IFST"),
            given_on=dt.date(2025, 7, 12 + i),
            provider=cast.westlands_office,
        )
    login(client, cast.national_me)
    data = client.get(URL, {"period": "2025/26", "rows": "service"}).json()
    assert data["counts"] == "services"
    given = ServiceRecord.objects.filter(case__isnull=False, service__code="IFST").count()
    assert {row["label"]: row["total"] for row in data["rows"]}["Family support"] == given == 2
    assert data["total"] == ServiceRecord.objects.count() == 2


def test_stakeholders_get_suppressed_figures(client: Any, cast: Any, login: Any) -> None:
    for _ in range(3):
        case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10))
    login(client, cast.stakeholder)
    data = client.get(URL, {"period": "2025/26"}).json()
    assert data["suppressed"] is True
    shown = [v for row in data["rows"] for v in [*row["cells"], row["total"]] if v is not None]
    shown += [v for v in data["column_totals"] if v is not None] + (
        [data["total"]] if data["total"] is not None else []
    )
    assert not [v for v in shown if 1 <= v <= 4]
    assert client.get(URL, {"period": "2025/26", "area": "sub_county-274"}).status_code == 404


def test_scope_and_bad_input(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.turkana_coordinator)
    assert client.get(URL, {"period": "2025/26", "area": "county-047"}).status_code == 404
    assert client.get(URL, {"period": "nonsense"}).status_code == 400
    assert client.get(URL, {"rows": "sex"}).status_code == 400
    assert client.get(URL, {"bands": "x"}).status_code == 400
    login(client, cast.admin)
    assert client.get(URL).status_code == 403

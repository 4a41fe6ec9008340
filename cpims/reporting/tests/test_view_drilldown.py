"""Drill-down: the cases behind a figure, within scope, audited, with constant queries; never for
aggregate-only viewers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.cases.tests.conftest import code
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db
URL = reverse("reporting:drilldown")


def test_the_list_is_the_cases_behind_the_figure(client: Any, cast: Any, login: Any) -> None:
    boy = case(
        cast.nairobi_officer,
        cast.westlands_office,
        reported_on=dt.date(2025, 7, 10),
        sex="male",
        born=dt.date(2016, 1, 1),
    )
    case(
        cast.nairobi_officer,
        cast.westlands_office,
        reported_on=dt.date(2025, 7, 10),
        sex="female",
        born=dt.date(2016, 1, 1),
    )
    case(
        cast.nairobi_officer,
        cast.westlands_office,
        reported_on=dt.date(2025, 6, 30),
        sex="male",
        born=dt.date(2016, 1, 1),
    )
    login(client, cast.nairobi_coordinator)
    category = code("case_category_id", "CSIC").pk
    response = client.get(
        URL, {"period": "2025/26", "area": "county-047", "category": category, "sex": "male", "dcs_band": "6-10"}
    )
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"]] == [boy.pk]
    assert boy.case_number in response.content.decode()
    event = AuditEvent.objects.filter(action="report.drilldown").latest("id")
    assert event.details["filters"] == {"category": str(category), "sex": "male", "dcs_band": "6-10"}


def test_every_link_of_the_page_leads_to_as_many_cases_as_its_figure(client: Any, cast: Any, login: Any) -> None:
    for i in range(3):
        case(
            cast.nairobi_officer,
            cast.westlands_office,
            reported_on=dt.date(2025, 7, 10 + i),
            sex="male" if i else "female",
            categories=("CSIC", "CLAB"),
        )
    login(client, cast.nairobi_officer)
    page = client.get(reverse("reporting:caseload"), {"kind": "fy", "period": "2025/26"}).content.decode()
    found = re.findall(r'href="(/reports/cases/\?[^"]+)">(\d+)<', page.replace("&amp;", "&"))
    assert len(found) > 5
    for link, figure in found[:40]:
        listed = client.get(link).context["page"].paginator.count
        # A category figure counts category rows; the cases behind it are distinct cases.
        assert listed <= int(figure)
        assert listed > 0


def test_other_county_is_404_and_their_cases_never_listed(client: Any, cast: Any, login: Any) -> None:
    turkana = case(cast.turkana_officer, cast.turkana_central_office, reported_on=dt.date(2025, 7, 10))
    login(client, cast.nairobi_coordinator)
    assert client.get(URL, {"period": "2025/26", "area": "county-023"}).status_code == 404
    response = client.get(URL, {"period": "2025/26"})
    assert turkana.pk not in [c.pk for c in response.context["page"]]
    # And the case itself is out of reach.
    assert client.get(reverse("cases:case_detail", kwargs={"public_id": turkana.public_id})).status_code == 404


def test_aggregate_only_viewers_cannot_drill_down(client: Any, cast: Any, login: Any) -> None:
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10))
    login(client, cast.stakeholder)
    assert client.get(URL, {"period": "2025/26"}).status_code == 403
    assert client.post(reverse("reporting:drilldown_export"), {"period": "2025/26", "format": "csv"}).status_code == 403


def test_bad_filters_are_a_clear_400(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    for bad in (
        {"period": "2025/99"},
        {"period": "2025/26", "sex": "robot"},
        {"period": "2025/26", "category": "x"},
        {"period": "2025/26", "month": "2025-13"},
    ):
        assert client.get(URL, bad).status_code == 400, bad


def test_query_count_is_constant(client: Any, cast: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(3):
        case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10 + i))
    login(client, cast.nairobi_coordinator)
    params = {"period": "2025/26", "area": "county-047", "category": code("case_category_id", "CSIC").pk}
    client.get(URL, params)
    with django_assert_max_num_queries(12):
        assert client.get(URL, params).status_code == 200
    for i in range(5):
        case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 8, 10 + i))
    client.get(URL, params)
    with django_assert_max_num_queries(12):
        response = client.get(URL, params)
    assert response.context["page"].paginator.count == 8

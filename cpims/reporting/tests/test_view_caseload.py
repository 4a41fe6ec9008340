"""The caseload page: tables like the DCS return, links to the cases behind each figure, scope,
suppression for aggregate-only viewers, constant queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db
URL = reverse("reporting:caseload")
FY = {"kind": "fy", "period": "2025/26"}


def some_cases(cast: Any) -> list[Any]:
    made = []
    for i in range(6):
        made.append(
            case(
                cast.nairobi_officer,
                cast.westlands_office,
                reported_on=dt.date(2025, 7, 10),
                sex="male" if i % 2 else "female",
                born=dt.date(2016, 1, 1),
            )
        )
    made.append(
        case(cast.turkana_officer, cast.turkana_central_office, reported_on=dt.date(2025, 8, 1), categories=("CLAB",))
    )
    return made


def links(html: str) -> list[str]:
    return re.findall(r'href="(/reports/cases/\?[^"]+)"', html.replace("&amp;", "&"))


def test_national_page_shows_the_return_tables_with_drilldown_links(client: Any, cast: Any, login: Any) -> None:
    some_cases(cast)
    login(client, cast.national_me)
    response = client.get(URL, {**FY, "area": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Case category × sex × age band" in html
    assert "Intervention × sex × age band" in html
    found = links(html)
    assert found
    # Cells are built without the template (views.Figure): their links are escaped HTML.
    assert not re.search(r'href="[^"]*&(?!amp;)', html)
    # The grand total of the category table links to all 7 category rows of FY 2025/26.
    q = parse_qs(urlparse(found[-1]).query)
    assert q["period"] == ["2025/26"]


def test_county_coordinator_defaults_to_their_county_and_sees_only_it(client: Any, cast: Any, login: Any) -> None:
    some_cases(cast)
    login(client, cast.nairobi_coordinator)
    response = client.get(URL, FY)
    assert response.status_code == 200
    assert response.context["area"].name.lower().startswith("nairobi")
    assert response.context["tables"][0].table.total == 6
    # Turkana is outside their scope: 404, never its figures.
    assert client.get(URL, {**FY, "area": "county-023"}).status_code == 404


def test_turkana_coordinator_sees_only_turkana(client: Any, cast: Any, login: Any) -> None:
    some_cases(cast)
    login(client, cast.turkana_coordinator)
    response = client.get(URL, FY)
    assert response.context["tables"][0].table.total == 1


def test_stakeholder_gets_suppressed_tables_without_links(client: Any, cast: Any, login: Any) -> None:
    some_cases(cast)
    login(client, cast.stakeholder)
    response = client.get(URL, {**FY, "area": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["suppressed"]
    assert "/reports/cases/" not in html
    table = response.context["tables"][0].table
    assert table.suppressed
    shown = [v for row in table.as_matrix() for v in row if v is not None]
    assert not [v for v in shown if 1 <= v <= 4]
    hidden = sum(v is None for row in table.as_matrix() for v in row)
    assert hidden and html.count('title="Hidden to protect children (small number)">&lt;5</span>') >= hidden
    # Aggregate-only viewers choose counties or the nation, not sub-counties.
    assert client.get(URL, {**FY, "area": "sub_county-274"}).status_code == 404


def test_kiswahili_and_other_bands_and_breakdowns(client: Any, cast: Any, login: Any) -> None:
    some_cases(cast)
    login(client, cast.national_me)
    for breakdown in ("status", "risk_level", "reporter_type", "place_of_event", "sub_category", "month"):
        response = client.get(URL, {**FY, "bands": "knbs", "breakdown": breakdown})
        assert response.status_code == 200, breakdown
        assert response.context["tables"][3].table.dimension == breakdown
    assert "10–14" in response.content.decode()


@pytest.mark.parametrize(
    "kind,period", [("month", "2025-07"), ("quarter", "2025/26-Q1"), ("half", "2025/26-H1"), ("year", "2025")]
)
def test_every_period_kind(client: Any, cast: Any, login: Any, kind: str, period: str) -> None:
    some_cases(cast)
    login(client, cast.national_me)
    response = client.get(URL, {"kind": kind, "period": period})
    assert response.status_code == 200
    assert response.context["period"].code == period


def test_bad_input_is_a_clear_400(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    response = client.get(URL, {"kind": "month", "period": "2025-13"})
    assert response.status_code == 400
    assert "not a reporting period" in response.content.decode()


def test_changing_the_period_type_shows_its_current_period(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    response = client.get(URL, {"kind": "quarter", "period": "2025/26"})
    assert response.status_code == 200
    assert response.context["period"].kind == "quarter"


def test_roles_without_report_permissions_get_403(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.admin)
    assert client.get(URL).status_code == 403


def test_query_count_does_not_grow_with_cases(
    client: Any, cast: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    some_cases(cast)
    login(client, cast.national_me)
    client.get(URL, FY)  # warm up: session, facts caught up
    with django_assert_max_num_queries(17):  # 14 before the services table (catch-up, counts, labels)
        response = client.get(URL, FY)
    assert response.status_code == 200
    some_cases(cast)
    client.get(URL, FY)
    with django_assert_max_num_queries(17):
        client.get(URL, FY)


def test_a_link_with_only_a_period_keeps_its_type(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    response = client.get(URL, {"period": "2025/26-Q1"})
    assert response.context["period"].code == "2025/26-Q1"
    assert response.context["form"].kind == "quarter"


def test_one_office_of_the_area(client: Any, cast: Any, login: Any) -> None:
    some_cases(cast)
    login(client, cast.nairobi_coordinator)
    response = client.get(URL, {**FY, "area": "county-047"})
    assert cast.westlands_office in response.context["offices"]
    response = client.get(URL, {**FY, "area": "county-047", "office": str(cast.westlands_office.public_id)})
    assert response.context["office"] == cast.westlands_office
    assert response.context["tables"][0].table.total == 6
    other = client.get(URL, {**FY, "area": "county-047", "office": str(cast.nairobi_ngo.public_id)})
    assert other.context["tables"][0].table.total == 0
    # An office of another county is out of reach; stakeholders never choose offices.
    assert client.get(URL, {**FY, "office": str(cast.turkana_central_office.public_id)}).status_code == 404
    login(client, cast.stakeholder)
    assert client.get(URL, {**FY, "office": str(cast.westlands_office.public_id)}).status_code == 404

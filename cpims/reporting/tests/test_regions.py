"""Caseload figures for a DCS region (region-01 … region-08): national users only, equal to the sum of
the region's counties, on the page, the drill-down, the exports and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from cpims.cases.models import Case
from cpims.core.periods import Period
from cpims.geo.models import Area, OrgUnit
from cpims.reporting import queries
from cpims.reporting.models import CaseFact
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db
FY = Period.parse("2025/26")
PAGE = reverse("reporting:caseload")
DRILL = reverse("reporting:drilldown")
EXPORT = reverse("reporting:caseload_export")
CASES = reverse("reporting:drilldown_export")
API = reverse("api:reports-caseload")
RIFT = "region-05"  # Turkana (023) and Nakuru (032) are in it; Nairobi (047) is a region of its own


@dataclass
class Made:
    rift: Area
    turkana: list[Any]
    nakuru: list[Any]
    nairobi: list[Any]


@pytest.fixture
def made(cast: Any) -> Made:
    from conftest import make_user
    from cpims.accounts import roles as R

    sub_county = Area.objects.filter(level=Area.Level.SUB_COUNTY, county__code="032").order_by("code")[0]
    nakuru_office = OrgUnit.objects.get(code=f"DCS-SC{sub_county.code}")
    nakuru_officer = make_user("nakuru_officer", R.SUBCOUNTY_OFFICER, nakuru_office)
    turkana = [
        case(cast.turkana_officer, cast.turkana_central_office, reported_on=dt.date(2025, 8, 1), sex="male")
        for _ in range(3)
    ]
    nakuru = [
        case(nakuru_officer, nakuru_office, reported_on=dt.date(2025, 9, 2), categories=("CSIC", "CLAB"))
        for _ in range(4)
    ]
    nairobi = [case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10)) for _ in range(5)]
    # Outside the period: never counted.
    case(nakuru_officer, nakuru_office, reported_on=dt.date(2025, 6, 30))
    return Made(Area.objects.get(level=Area.Level.REGION, code="05"), turkana, nakuru, nairobi)


def county(code: str) -> Area:
    return Area.objects.get(level=Area.Level.COUNTY, code=code)


def test_the_region_table_is_the_sum_of_its_counties(cast: Any, made: Made) -> None:
    for rows in ("category", "status", "sub_county"):
        region = queries.caseload_table(cast.national_me, period=FY, rows=rows, area=made.rift)
        summed: Counter[tuple] = Counter()
        for c in Area.objects.filter(level=Area.Level.COUNTY, region=made.rift):
            summed.update(queries.caseload_table(cast.national_me, period=FY, rows=rows, area=c).counts)
        assert Counter({k: n for k, n in region.counts.items() if n}) == +summed, rows
    table = queries.caseload_table(cast.national_me, period=FY, area=made.rift)
    # An independent count: category facts of cases in the region's counties, reported in the period.
    rift_counties = list(Area.objects.filter(level=Area.Level.COUNTY, region=made.rift).values_list("pk", flat=True))
    facts = CaseFact.objects.filter(
        county_id__in=rift_counties, reported_on__gte=FY.start, reported_on__lte=FY.end
    ).count()
    assert table.total == facts == 3 + 4 * 2
    cases = Case.objects.filter(county__region=made.rift, reported_on__gte=FY.start, reported_on__lte=FY.end)
    assert queries.caseload_table(cast.national_me, period=FY, rows="status", area=made.rift).total == cases.count()
    assert cases.count() == 7


def test_region_filters_keep_the_county_index_usable(cast: Any, made: Made) -> None:
    # The facts are filtered on their own county column (the leading column of the fact indexes)
    # against a subquery of the region's counties: no join, no per-region column on the facts.
    qs = queries.facts_visible_to(cast.national_me).filter(queries._area_q(made.rift))
    sql = str(qs.query)
    assert '"reporting_casefact"."county_id" IN (SELECT' in sql
    assert "JOIN" not in sql


def test_national_users_choose_regions_between_kenya_and_the_counties(cast: Any) -> None:
    labels = [(c.area.key if c.area else "", c.label) for c in queries.areas_for(cast.national_me)]
    assert labels[0] == ("", "Kenya")
    assert labels[1:9] == [
        ("region-01", "Coast region"),
        ("region-02", "North Eastern region"),
        ("region-03", "Eastern region"),
        ("region-04", "Central region"),
        ("region-05", "Rift Valley region"),
        ("region-06", "Western region"),
        ("region-07", "Nyanza region"),
        ("region-08", "Nairobi region"),
    ]
    assert all(key.startswith("county-") for key, _label in labels[9:])
    stakeholder = [c.area.key for c in queries.areas_for(cast.stakeholder) if c.area]
    assert "region-05" in stakeholder
    for user in (cast.nairobi_coordinator, cast.nairobi_officer):
        assert not [c for c in queries.areas_for(user) if c.area and c.area.level == Area.Level.REGION]


def test_national_page_with_a_region(client: Any, cast: Any, login: Any, made: Made) -> None:
    login(client, cast.national_me)
    response = client.get(PAGE, {"kind": "fy", "period": "2025/26", "area": RIFT})
    assert response.status_code == 200
    assert response.context["area"] == made.rift
    html = response.content.decode()
    assert "· Rift Valley region" in html
    assert '<option value="region-05" selected>Rift Valley region</option>' in html
    assert response.context["tables"][0].table.total == 11
    assert not response.context["tables"][0].table.suppressed


def test_county_and_sub_county_users_get_404_for_a_region(client: Any, cast: Any, login: Any, made: Made) -> None:
    for user in (cast.turkana_coordinator, cast.nairobi_coordinator, cast.turkana_officer):
        login(client, user)
        assert client.get(PAGE, {"kind": "fy", "period": "2025/26", "area": RIFT}).status_code == 404
        assert client.get(API, {"period": "2025/26", "area": RIFT}).status_code == 404
        assert client.get(DRILL, {"period": "2025/26", "area": RIFT}).status_code == 404
        assert client.post(EXPORT, {"period": "2025/26", "area": RIFT, "format": "csv"}).status_code == 404
        assert not queries.area_allowed(user, made.rift)


def test_stakeholder_sees_the_region_suppressed(client: Any, cast: Any, login: Any, made: Made) -> None:
    login(client, cast.stakeholder)
    response = client.get(PAGE, {"kind": "fy", "period": "2025/26", "area": RIFT})
    assert response.status_code == 200
    assert response.context["suppressed"] is True
    data = client.get(API, {"period": "2025/26", "area": RIFT}).json()
    assert data["area"] == RIFT and data["suppressed"] is True
    shown = [v for row in data["rows"] for v in [*row["cells"], row["total"]] if v is not None]
    shown += [v for v in data["column_totals"] if v is not None]
    assert shown and not [v for v in shown if 1 <= v <= 4]
    # Aggregate-only: no drill-down, not even for a region.
    assert client.get(DRILL, {"period": "2025/26", "area": RIFT}).status_code == 403


def test_api_with_a_region(client: Any, cast: Any, login: Any, made: Made) -> None:
    login(client, cast.national_me)
    data = client.get(API, {"period": "2025/26", "area": RIFT, "rows": "status"}).json()
    assert data["area"] == RIFT and data["counts"] == "cases" and data["suppressed"] is False
    assert data["total"] == 7
    assert client.get(API, {"period": "2025/26", "area": "region-09"}).status_code == 404


def test_drilldown_from_a_region_lists_only_its_cases(client: Any, cast: Any, login: Any, made: Made) -> None:
    login(client, cast.national_me)
    response = client.get(DRILL, {"period": "2025/26", "area": RIFT})
    assert response.status_code == 200
    assert {c.pk for c in response.context["page"]} == {c.pk for c in made.turkana + made.nakuru}
    assert "Rift Valley region" in response.content.decode()
    nairobi = client.get(DRILL, {"period": "2025/26", "area": "region-08"})
    assert {c.pk for c in nairobi.context["page"]} == {c.pk for c in made.nairobi}
    male = client.get(DRILL, {"period": "2025/26", "area": RIFT, "sex": "male"})
    assert {c.pk for c in male.context["page"]} == {c.pk for c in made.turkana}


def test_exports_with_a_region(client: Any, cast: Any, login: Any, made: Made) -> None:
    login(client, cast.national_me)
    response = client.post(EXPORT, {"period": "2025/26", "area": RIFT, "bands": "dcs", "format": "csv"})
    assert response.status_code == 200
    assert "region-05" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "Rift Valley region" in rows[0][0]
    assert next(r for r in rows if r and r[0] == "Total")[-1] == "11"
    xlsx = client.post(EXPORT, {"period": "2025/26", "area": RIFT, "bands": "dcs", "format": "xlsx"})
    assert xlsx.status_code == 200
    cases = client.post(CASES, {"period": "2025/26", "area": RIFT, "format": "csv"})
    assert cases.status_code == 200
    numbers = {r[0] for r in csv.reader(io.StringIO(cases.content.decode("utf-8-sig")))} - {"Case number"}
    assert numbers == {c.case_number for c in made.turkana + made.nakuru}

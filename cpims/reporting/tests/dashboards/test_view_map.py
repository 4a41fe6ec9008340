"""The county map: shapes, colours, links within the user's reach, suppression, table alternative."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from cpims.reporting.dashboards import countymap
from cpims.reporting.tests.dashboards.conftest import QUARTER, nairobi_cases, turkana_cases

pytestmark = pytest.mark.django_db


def _paths(page: str) -> dict[str, str]:
    """county code -> the classes of its path."""
    out = {}
    for m in re.finditer(r'<path class="dash-county ([^"]+)" d="[^"]*"(?: data-county="(\d{3})")?>', page):
        out.setdefault(m[2] or "?", m[1])
    return out


def _links(page: str) -> dict[str, str]:
    return {m[2]: m[1] for m in re.finditer(r'<a href="([^"]+)" class="dash-county-link" data-county="(\d{3})">', page)}


def test_the_simplified_shapes_are_small_and_complete() -> None:
    data = json.loads(countymap.DATA.read_text())
    assert len(data["counties"]) == 47
    assert set(data["counties"]) == {f"{n:03d}" for n in range(1, 48)}
    assert all(c["d"].startswith("M") for c in data["counties"].values())
    assert countymap.DATA.stat().st_size < 80_000


def test_national_map_colours_and_links_every_county(client: Any, cast: Any, login: Any) -> None:
    nairobi_cases(cast, 10)
    turkana_cases(cast, 2)
    login(client, cast.national_me)
    page = client.get(reverse("dashboards:map"), {"period": QUARTER}).content.decode()
    links = _links(page)
    assert len(links) == 47
    assert links["047"].startswith(reverse("dashboards:area", kwargs={"key": "county-047"}))
    the_map = countymap.county_map(cast.national_me, countymap.Q.parse_period(QUARTER))
    cells = {c.code: c for c in the_map.counties}
    assert cells["047"].value == 10 and cells["023"].value == 2 and cells["001"].value == 0
    assert cells["047"].css == "dash-c5"  # the highest class
    assert cells["001"].css == "dash-c0"
    assert cells["023"].css not in ("dash-c0", "dash-c5")
    # The table alternative carries the same figures.
    assert re.search(r'<tr data-county="047"><td><a [^>]+>Nairobi</a></td><td class="text-end">10</td>', page)


def test_a_coordinator_map_drills_only_into_their_county(client: Any, cast: Any, login: Any) -> None:
    nairobi_cases(cast, 2)
    turkana_cases(cast, 6)
    login(client, cast.nairobi_coordinator)
    page = client.get(reverse("dashboards:map"), {"period": QUARTER}).content.decode()
    assert set(_links(page)) == {"047"}
    the_map = countymap.county_map(cast.nairobi_coordinator, countymap.Q.parse_period(QUARTER))
    cells = {c.code: c for c in the_map.counties}
    assert cells["047"].value == 2
    assert cells["023"].value is None and cells["023"].css == "dash-c-out"  # no Turkana figure leaks
    assert ">6<" not in page


def test_an_officer_map_links_to_their_sub_county(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    page = client.get(reverse("dashboards:map")).content.decode()
    links = _links(page)
    assert set(links) == {"047"}
    assert links["047"].startswith(reverse("dashboards:area", kwargs={"key": cast.westlands_office.sub_county.key}))


def test_stakeholder_map_suppresses_small_counties(cast: Any) -> None:
    nairobi_cases(cast, 3)
    turkana_cases(cast, 9)
    the_map = countymap.county_map(cast.stakeholder, countymap.Q.parse_period(QUARTER))
    cells = {c.code: c for c in the_map.counties}
    assert cells["047"].value is None and cells["047"].css == "dash-c-supp"
    assert cells["023"].value is None  # complementary: would reveal Nairobi from the total
    assert cells["001"].value == 0


def test_completeness_indicator(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    response = client.get(reverse("dashboards:map"), {"indicator": "completeness", "period": "2025-08"})
    assert response.status_code == 200
    the_map = response.context["map"]
    assert the_map.indicator == "completeness"
    assert all(c.css.startswith("dash-c") for c in the_map.counties)
    # An unknown indicator falls back to cases.
    assert client.get(reverse("dashboards:map"), {"indicator": "x"}).context["map"].indicator == "cases"


def test_map_needs_report_permission(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.partner)
    assert client.get(reverse("dashboards:map")).status_code == 403


def test_classes_put_the_busiest_county_in_the_darkest_class() -> None:
    bounds, legend = countymap._case_classes([1, 2])
    assert bounds == [1, 2]
    assert [countymap._class_for(v, bounds) for v in (0, 1, 2)] == ["dash-c0", "dash-c4", "dash-c5"]
    assert [label for _css, label in legend] == ["none", "1", "2"]
    bounds, _legend = countymap._case_classes([3, 120, 7])
    assert countymap._class_for(120, bounds) == "dash-c5" and countymap._class_for(3, bounds) == "dash-c1"
    assert countymap._pct_class(None) == "dash-c-none" and countymap._pct_class(100.0) == "dash-c5"
    assert countymap._pct_class(49.9) == "dash-c1" and countymap._pct_class(92.0) == "dash-c4"


def test_kiswahili_map_page(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    client.cookies["django_language"] = "sw"
    page = client.get(reverse("dashboards:map"), HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Ramani ya kaunti" in page

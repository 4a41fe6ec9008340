"""The dashboard pages: role defaults, scope, suppression, charts and their text alternatives."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cpims.core.periods import QUARTER as QUARTER_KIND
from cpims.core.periods import Period
from cpims.reporting.tests.dashboards.conftest import QUARTER, nairobi_cases, turkana_cases

pytestmark = pytest.mark.django_db


def test_each_role_lands_on_its_own_dashboard(client: Any, cast: Any, login: Any) -> None:
    for user, expected in (
        (cast.national_me, "Kenya (national)"),
        (cast.stakeholder, "Kenya (national)"),
        (cast.nairobi_coordinator, "Nairobi County"),
        (cast.nairobi_officer, f"{cast.westlands_office.sub_county.name} Sub-county"),
    ):
        login(client, user)
        response = client.get(reverse("dashboards:home"))
        assert response.status_code == 200
        assert f'<h1 class="h3 mb-1">{expected}</h1>' in response.content.decode()


def test_dashboard_shows_figures_and_charts(client: Any, cast: Any, login: Any) -> None:
    nairobi_cases(cast, 6)
    login(client, cast.nairobi_coordinator)
    page = client.get(reverse("dashboards:area", kwargs={"key": "county-047"}), {"period": QUARTER}).content.decode()
    assert re.search(
        r'data-figure="cases"><div class="dash-card-label">Cases reported</div>'
        r'<div class="dash-card-value">(<a [^>]+>)?6<',
        page,
    )
    assert page.count('<svg class="dash-chart') >= 4
    assert "<table" in page and "Show as a table" in page  # text alternatives
    assert " style=" not in page and "<script>" not in page  # CSP: no inline style or script
    assert "dashboards/dashboards.css" in page


def test_figures_drill_down_to_cases_for_those_who_may_see_them(client: Any, cast: Any, login: Any) -> None:
    nairobi_cases(cast, 6)
    login(client, cast.nairobi_coordinator)
    page = client.get(reverse("dashboards:area", kwargs={"key": "county-047"}), {"period": QUARTER}).content.decode()
    drill = reverse("reporting:drilldown")
    assert f'{drill}?period=2025%2F26-Q1&amp;area=county-047"' in page
    assert f"{drill}?period=2025%2F26-Q1&amp;area=county-047&amp;category=" in page
    login(client, cast.stakeholder)
    assert drill not in client.get(reverse("dashboards:national"), {"period": QUARTER}).content.decode()


def test_sub_county_links_from_the_county_dashboard(client: Any, cast: Any, login: Any) -> None:
    nairobi_cases(cast, 2)
    login(client, cast.nairobi_coordinator)
    page = client.get(reverse("dashboards:area", kwargs={"key": "county-047"}), {"period": QUARTER}).content.decode()
    westlands = reverse("dashboards:area", kwargs={"key": cast.westlands_office.sub_county.key})
    assert westlands in page
    login(client, cast.nairobi_officer)
    assert client.get(westlands).status_code == 200
    assert client.get(reverse("dashboards:area", kwargs={"key": "county-047"})).status_code == 404


def test_unknown_or_foreign_areas_are_404(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    for key in ("county-999", "ward-1", "nonsense", "county-023", "sub_county-125"):
        assert client.get(reverse("dashboards:area", kwargs={"key": key})).status_code == 404
    assert client.get(reverse("dashboards:national")).status_code == 403


def test_bad_period_falls_back_instead_of_failing(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.national_me)
    assert client.get(reverse("dashboards:national"), {"period": "2026-13"}).status_code == 200


def test_stakeholder_page_hides_small_counts(client: Any, cast: Any, login: Any) -> None:
    nairobi_cases(cast, 3)
    login(client, cast.stakeholder)
    page = client.get(reverse("dashboards:national"), {"period": QUARTER}).content.decode()
    assert "Aggregate view" in page
    assert re.search(r'data-figure="cases">.*?dash-card-value">&lt;5<', page)
    assert "dash-bar-suppressed" in page


def test_dashboard_page_query_count_is_constant(
    client: Any, cast: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, cast.national_me)
    url = reverse("dashboards:national")
    nairobi_cases(cast, 2)
    client.get(url, {"period": QUARTER})
    # Each request empties the query log (request_started): start the count from an empty log.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"period": QUARTER})
    few_count = len(few)  # read now: the log is emptied by the next request
    nairobi_cases(cast, 5)
    turkana_cases(cast, 4)
    client.get(url, {"period": QUARTER})
    connection.queries_log.clear()
    assert few_count > 10
    with django_assert_max_num_queries(few_count):
        client.get(url, {"period": QUARTER})


def test_the_current_period_says_it_is_not_over(client: Any, cast: Any, login: Any) -> None:
    nairobi_cases(cast, 2)
    login(client, cast.nairobi_coordinator)
    url = reverse("dashboards:area", kwargs={"key": "county-047"})
    current = Period.containing(QUARTER_KIND, timezone.localdate())
    page = client.get(url, {"period": current.code}).content.decode()
    assert "not complete yet: its figures will still grow" in page
    past = client.get(url, {"period": current.previous().code}).content.decode()
    assert "data-period-open" not in past
    assert "(so far)" not in past

"""CTiP figures equal a count made by hand: period edges (first and last day in, the days either
side out), age-band edges (a birthday on the day identified), area, and stakeholders' suppression."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cpims.cases.tests.conftest import ward_in
from cpims.core.periods import Period
from cpims.ctip.figures import EXPLOITATION, NATIONALITY, ctip_pack_tables, ctip_tables
from cpims.ctip.tests.conftest import code, ctip_case, identify
from cpims.geo.models import Area

pytestmark = pytest.mark.django_db


def years_before(day: dt.date, n: int) -> dt.date:
    return day.replace(year=day.year - n)


def child(cast: Any, office: Any, sex: str, born: dt.date) -> Any:
    from cpims.registry import actions

    # Registered young, then given the real date of birth: registration refuses someone 18 today,
    # but a child identified last month may have turned 18 since.
    registered = actions.child_register(
        actor=cast.nairobi_officer if office == cast.westlands_office else cast.turkana_officer,
        org_unit=office,
        child=actions.PersonInput(
            first_name="Testa", last_name="Ctipchild", sex=sex, age_years=10, ward=ward_in(office)
        ),
    ).child
    type(registered).objects.filter(pk=registered.pk).update(date_of_birth=born)
    registered.refresh_from_db()
    return registered


@pytest.fixture
def period() -> Period:
    this_month = Period.containing("month", timezone.localdate())
    return this_month.previous()


@pytest.fixture
def tracks(cast: Any, period: Period) -> None:
    start, end = period.start, period.end
    nairobi, turkana = cast.westlands_office, cast.turkana_central_office
    rows = [
        # office, sex, date of birth, identified on, nationality, purpose
        (nairobi, "female", years_before(start, 6), start, "UG", "TPLB"),  # 6 that day: 6-10
        (nairobi, "female", years_before(start, 6) + dt.timedelta(days=1), start, "UG", "TPLB"),  # still 5
        (nairobi, "male", years_before(end, 18), end, "KE", "TPSE"),  # 18 that day: 18+
        (nairobi, "male", years_before(end, 18) + dt.timedelta(days=1), end, "KE", "TPSE"),  # 17: 16-18
        (nairobi, "female", years_before(start, 10), start - dt.timedelta(days=1), "ET", "TPLB"),  # before
        (nairobi, "female", years_before(start, 10), end + dt.timedelta(days=1), "ET", "TPLB"),  # after
        (turkana, "male", years_before(start, 11), start, "SS", "TPOR"),  # 11: 11-15, another county
    ]
    for office, sex, born, identified_on, nationality, purpose in rows:
        actor = cast.nairobi_officer if office == nairobi else cast.turkana_officer
        case = ctip_case(actor, office, child(cast, office, sex, born), reported_on=start - dt.timedelta(days=10))
        identify(
            actor,
            case,
            identified_on=identified_on,
            nationality=code("ctip_country", nationality),
            purpose=code("ctip_purpose_id", purpose),
        )


def pk(list_name: str, dcs_code: str) -> int:
    return code(list_name, dcs_code).pk


def test_figures_equal_a_count_by_hand(cast: Any, period: Period, tracks: None) -> None:
    exploitation, nationality = ctip_tables(cast.national_me, period=period, area=None)
    assert not exploitation.suppressed
    labour, sexual, organs = pk("ctip_purpose_id", "TPLB"), pk("ctip_purpose_id", "TPSE"), pk("ctip_purpose_id", "TPOR")
    assert {k: n for k, n in exploitation.counts.items() if n} == {
        (labour, "female", "6-10"): 1,
        (labour, "female", "0-5"): 1,
        (sexual, "male", "18+"): 1,
        (sexual, "male", "16-18"): 1,
        (organs, "male", "11-15"): 1,
    }
    assert exploitation.grand_total == 5 and exploitation.row_totals[labour] == 2
    assert exploitation.dimension == EXPLOITATION and nationality.dimension == NATIONALITY
    assert nationality.row_totals[pk("ctip_country", "UG")] == 2
    assert nationality.row_totals[pk("ctip_country", "KE")] == 2
    assert nationality.row_totals[pk("ctip_country", "SS")] == 1
    assert nationality.row_totals[pk("ctip_country", "ET")] == 0  # identified outside the period


def test_an_area_counts_its_own_cases_and_reach_is_respected(cast: Any, period: Period, tracks: None) -> None:
    nairobi = Area.objects.get(level=Area.Level.COUNTY, pk=cast.westlands_office.county_id)
    assert ctip_tables(cast.national_me, period=period, area=nairobi)[0].grand_total == 4
    # A Turkana coordinator's "everything I can see" is Turkana.
    assert ctip_tables(cast.turkana_coordinator, period=period, area=None)[0].grand_total == 1


def test_stakeholders_get_suppressed_figures(cast: Any, period: Period, tracks: None) -> None:
    table = ctip_tables(cast.stakeholder, period=period, area=None)[0]
    assert table.suppressed
    assert table.cell(pk("ctip_purpose_id", "TPLB"), "female", "6-10") is None
    assert table.row_total(pk("ctip_purpose_id", "TPLB")) is None


def test_pack_tables(period: Period, tracks: None) -> None:
    tables = ctip_pack_tables(None, period, suppressed=False)
    assert len(tables) == 2
    exploitation = tables[0]
    assert exploitation.header[0] == "Form of exploitation" and exploitation.header[-1] == "Total"
    assert tables[1].header[0] == "Nationality" and exploitation.groups
    assert exploitation.rows[-1][0] == "Total" and exploitation.rows[-1][-1] == 5
    assert all(len(row) == len(exploitation.header) for row in exploitation.rows)
    hidden = ctip_pack_tables(None, period)[0]
    assert hidden.note and hidden.rows[-1][-1] == 5 and None in hidden.rows[0] + hidden.rows[1]


def test_the_figures_page(
    cast: Any, client: Any, login: Any, period: Period, tracks: None, django_assert_max_num_queries: Any
) -> None:
    url = reverse("ctip:figures")
    login(client, cast.stakeholder)
    client.get(url, {"period": period.code})
    with django_assert_max_num_queries(30):
        page = client.get(url, {"period": period.code})
    assert page.status_code == 200 and b"&lt;5" in page.content
    login(client, cast.national_me)
    page = client.get(url, {"period": period.code})
    assert page.status_code == 200 and b"data-ctip-total>5<" in page.content
    assert client.get(url, {"period": "nonsense"}).status_code in (200, 400)
    assert client.get(url, {"area": "county-999"}).status_code == 404
    login(client, cast.partner)
    assert client.get(url).status_code == 403


def test_national_packs_carry_the_ctip_tables(cast: Any, period: Period, tracks: None) -> None:
    from cpims.reporting.dashboards import packs
    from cpims.reporting.dashboards import queries as Q

    # The tables a national pack shows are the CTiP figures for the whole country, by hand above.
    target = Q.Target(Q.NATIONAL)
    for kind in (packs.NATIONAL_ANNUAL, packs.NATIONAL_SEMIANNUAL):
        titles = [t.title for t in packs._extra_sections(cast.national_me, kind, target, period, False)]
        assert titles == ["Children identified, by form of exploitation", "Children identified, by nationality"]
    shown = packs._extra_sections(cast.national_me, packs.NATIONAL_ANNUAL, target, period, False)[0]
    assert shown.rows[-1][0] == "Total" and shown.rows[-1][-1] == 5 and shown.total_row
    assert packs._extra_sections(cast.national_me, packs.AAC_QUARTERLY, target, period, False) == []

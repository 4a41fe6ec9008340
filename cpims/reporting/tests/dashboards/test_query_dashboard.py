"""Dashboard figures against an independent count of records made here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cpims.cases.models import Case, CaseCategory
from cpims.core.periods import Period
from cpims.geo.models import Area
from cpims.reporting.dashboards import queries as Q
from cpims.reporting.tests.dashboards.conftest import (
    IN_QUARTER,
    LAST_YEAR,
    PREVIOUS_QUARTER,
    case_on,
    nairobi_cases,
    turkana_cases,
)

pytestmark = pytest.mark.django_db


def _count(period: Period, **filters: Any) -> int:
    return Case.objects.filter(reported_on__gte=period.start, reported_on__lte=period.end, **filters).count()


def nairobi() -> Q.Target:
    return Q.Target(Q.COUNTY, Area.objects.get(level="county", code="047"))


def test_cases_reported_match_an_independent_count(cast: Any, period: Period) -> None:
    nairobi_cases(cast, 3)
    case_on(cast.nairobi_officer, cast.westlands_office, IN_QUARTER, "CSRC", "CSIC", n=9)
    nairobi_cases(cast, 2, PREVIOUS_QUARTER)
    nairobi_cases(cast, 1, LAST_YEAR)
    turkana_cases(cast, 2)
    # A case on the first day after the quarter belongs to the next one.
    case_on(cast.nairobi_officer, cast.westlands_office, period.end + dt.timedelta(days=1), n=7)

    board = Q.dashboard(cast.national_me, Q.Target(Q.NATIONAL), period)
    assert board.cases.value == _count(period) == 6
    assert board.cases_previous.value == _count(period.previous()) == 2
    assert board.cases_last_year.value == _count(period.same_last_year()) == 1
    assert board.change_pct == 200.0
    assert not board.suppressed

    county = Q.dashboard(cast.nairobi_coordinator, nairobi(), period)
    assert county.cases.value == _count(period, county__code="047") == 4
    # Top categories count categories (a case with two counts in both).
    top = {label: n for label, n, _id in county.top_categories}
    neglect = CaseCategory.objects.filter(
        category__code="CSIC", case__county__code="047", case__reported_on__range=(period.start, period.end)
    ).count()
    assert top["Neglect"] == neglect == 4
    assert top["Sexual assault"] == 1
    assert county.top_categories[0][0] == "Neglect"
    # Cases per sub-county on the county dashboard; per county on the national one.
    by_area = {a.code: v for a, v in county.by_area}
    assert by_area[cast.westlands_office.sub_county.code] == 4
    national_by_area = {a.code: v for a, v in board.by_area}
    assert national_by_area["047"] == 4 and national_by_area["023"] == 2


def test_a_coordinator_sees_only_their_county(cast: Any, period: Period) -> None:
    nairobi_cases(cast, 2)
    turkana_cases(cast, 3)
    board = Q.dashboard(cast.turkana_coordinator, Q.default_target(cast.turkana_coordinator), period)
    assert board.target.area.code == "023"
    assert board.cases.value == 3
    with pytest.raises(Exception) as refused:
        Q.target_for(cast.turkana_coordinator, "county-047")
    assert refused.typename == "Http404"


def test_open_closed_median_overdue_and_referrals(cast: Any) -> None:
    from cpims.cases import actions
    from cpims.cases.tests.conftest import advance
    from cpims.referrals import actions as referral_actions
    from cpims.referrals.tests.conftest import refer

    today = timezone.localdate()
    period = Period.containing("month", today)
    closed = case_on(cast.nairobi_officer, cast.westlands_office, today, n=1)
    advance(closed, cast, "closed")
    open_case = case_on(cast.nairobi_officer, cast.westlands_office, today, n=2)
    actions.followup_add(
        actor=cast.nairobi_officer, case=open_case, due_on=today - dt.timedelta(days=2), purpose="Visit"
    )
    actions.followup_add(
        actor=cast.nairobi_officer, case=open_case, due_on=today + dt.timedelta(days=2), purpose="Later"
    )
    done = actions.followup_add(
        actor=cast.nairobi_officer, case=open_case, due_on=today - dt.timedelta(days=5), purpose="Done"
    )
    actions.followup_complete(actor=cast.nairobi_officer, followup=done, outcome="Seen")
    referral = refer(cast, open_case)
    referral_actions.referral_accept(actor=cast.partner, referral=referral)
    referral_actions.referral_complete(actor=cast.partner, referral=referral, notes="Counselled")
    refer(cast, case_on(cast.nairobi_officer, cast.westlands_office, today, n=3))  # sent, not completed

    board = Q.dashboard(cast.nairobi_coordinator, nairobi(), period)
    assert (board.open_cases.value, board.closed_cases.value) == (2, 1)
    assert board.median_days.value == 0  # reported and closed the same day
    assert board.overdue_followups.value == 1
    assert (board.referrals_sent.value, board.referrals_completed.value) == (2, 1)
    # Turkana sees none of it.
    turkana = Q.dashboard(cast.turkana_coordinator, Q.default_target(cast.turkana_coordinator), period)
    assert turkana.overdue_followups.value == 0 and turkana.referrals_completed.value == 0


def test_percentage_change() -> None:
    assert Q.pct_change(12, 10) == 20.0
    assert Q.pct_change(5, 0) is None
    assert Q.pct_change(None, 3) is None


def test_stakeholder_figures_are_suppressed(cast: Any, period: Period) -> None:
    nairobi_cases(cast, 3)
    turkana_cases(cast, 7)
    board = Q.dashboard(cast.stakeholder, Q.Target(Q.NATIONAL), period)
    assert board.suppressed
    assert board.cases.value == 10
    by_area = {a.code: v for a, v in board.by_area}
    # Nairobi's 3 is hidden, and so is Turkana's 7: it would give Nairobi away from the total.
    assert by_area["047"] is None and by_area["023"] is None
    assert all(v == 0 for code, v in by_area.items() if code not in ("047", "023"))
    assert all(n is None or n >= 5 for _l, n, _c in board.top_categories)
    # The national M&E officer sees the same figures unsuppressed.
    full = Q.dashboard(cast.national_me, Q.Target(Q.NATIONAL), period)
    assert {a.code: v for a, v in full.by_area}["047"] == 3


def test_hide_parts() -> None:
    assert Q.hide_parts([3, 20], True) == [None, None]
    assert Q.hide_parts([3, 20, 30], True) == [None, None, 30]
    assert Q.hide_parts([3, 2, 30], True) == [None, None, 30]
    assert Q.hide_parts([0, 20], True) == [0, 20]
    assert Q.hide_parts([3, 20], False) == [3, 20]


def test_dashboard_queries_do_not_grow_with_the_data(cast: Any, period: Period) -> None:
    nairobi_cases(cast, 2)
    user, target = cast.nairobi_coordinator, nairobi()
    Q.dashboard(user, target, period)  # warm: facts caught up
    with CaptureQueriesContext(connection) as few:
        Q.dashboard(user, target, period)
    nairobi_cases(cast, 6, IN_QUARTER, "CSRC")
    turkana_cases(cast, 2)
    Q.dashboard(user, target, period)
    with CaptureQueriesContext(connection) as many:
        Q.dashboard(user, target, period)
    assert len(many) == len(few)


def test_period_parsing_falls_back_to_the_current_quarter() -> None:
    today = dt.date(2026, 2, 3)
    assert Q.parse_period("nonsense", today=today).code == "2025/26-Q3"
    assert Q.parse_period("2026", today=today).code == "2025/26-Q3"  # calendar years are not offered
    assert Q.parse_period("2025/26-H1", today=today).code == "2025/26-H1"
    groups = Q.period_choices(Period.parse("2020-01"), today=today)
    assert ("2020-01", Period.parse("2020-01").label) in groups[0][1]


def test_children_in_care_from_the_care_records(cast: Any) -> None:
    from cpims.care.models import Placement
    from cpims.care.tests.conftest import admit, turkana_cci, westlands_cci
    from cpims.reporting.tests.dashboards.conftest import child

    home, lodwar = westlands_cci(cast), turkana_cci(cast)
    for i in range(2):
        admit(cast.nairobi_officer, child(cast.nairobi_officer, cast.westlands_office, n=30 + i), home)
    admit(cast.turkana_officer, child(cast.turkana_officer, cast.turkana_central_office, n=40), lodwar)
    period = Period.containing("month", timezone.localdate())
    board = Q.dashboard(cast.nairobi_coordinator, nairobi(), period)
    assert board.children_in_care.available
    assert board.children_in_care.value == Placement.objects.filter(county__code="047").count() == 2
    assert Q.dashboard(cast.national_me, Q.Target(Q.NATIONAL), period).children_in_care.value == 3

"""The national caseload cells (``CaseloadMonth``) always give the tables the facts give, and
the national caseload page reads them instead of grouping the facts."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from typing import Any

import pytest

from cpims.cases.models import Case, CaseCategory, ServiceRecord
from cpims.core.periods import Period
from cpims.reporting import facts, queries, rollups
from cpims.reporting.models import CaseFact, CaseloadMonth
from cpims.reporting.tests.conftest import case
from cpims.reporting.tests.test_facts import completed_years, dcs, independent, make_mixed_cases
from cpims.reporting.tests.test_figures_independent import serve

pytestmark = pytest.mark.django_db

PERIODS = ("2024/25-Q4", "2025/26-Q1", "2025/26-Q2", "2025/26", "2025-07", "2025")
# After each change: a quarter and a month on either side of the changed dates, and the year.
CHANGE_PERIODS = ("2025/26-Q1", "2025/26-Q2", "2025/26", "2025-10")
ROWS = ("category", "sub_category", "intervention", "place_of_event", "risk_level", "reporter_type", "status", "month")


def _cells() -> Counter:
    facts.catch_up()
    return Counter(
        {(r.month, r.dimension, r.value, r.sex, r.dcs_band, r.knbs_band): r.n for r in CaseloadMonth.objects.all()}
    )


def _cells_from_the_facts() -> Counter:
    """The same cells counted row by row in Python from every fact (not grouped by the database)."""
    return +rollups.cells_of(Case.objects.values_list("pk", flat=True))


def _from_the_facts(user: Any, period: Period, rows: str) -> Any:
    """The table counted from the facts: giving ``cases_only`` keeps it off the roll-up."""
    return queries.caseload_table(user, period=period, rows=rows, cases_only=rows in queries.CASE_DIMENSIONS)


def _assert_tables_agree(cast: Any) -> None:
    for code in CHANGE_PERIODS:
        period = Period.parse(code)
        for rows in ROWS:
            for bands in ("dcs", "knbs"):
                rolled = queries.caseload_table(cast.national_me, period=period, rows=rows, bands=bands)
                counted = queries.caseload_table(
                    cast.national_me, period=period, rows=rows, bands=bands, cases_only=rows in queries.CASE_DIMENSIONS
                )
                assert rolled.counts == counted.counts, (code, rows, bands)
                assert [r.key for r in rolled.rows] == [r.key for r in counted.rows], (code, rows, bands)
                assert rolled.grand_total == counted.grand_total
        for bands, band in (("dcs", "dcs_band"), ("knbs", "knbs_band")):
            services = queries.services_table(cast.national_me, period=period, bands=bands)
            given = queries.service_counts(cast.national_me, period=period, group_by=["service", "sex", band])
            assert services.counts == given, (code, "services", bands)


def test_the_national_table_equals_an_independent_count_of_the_records(cast: Any) -> None:
    make_mixed_cases(cast, n=24)
    for code in PERIODS:
        period = Period.parse(code)
        table = queries.caseload_table(cast.national_me, period=period, rows="category")
        assert Counter(table.counts) == independent(period.start, period.end), code
        # Cases by status and by month: each case once, counted from the cases themselves.
        by_status: Counter = Counter()
        by_month: Counter = Counter()
        for c in Case.objects.filter(reported_on__gte=period.start, reported_on__lte=period.end).select_related(
            "child"
        ):
            if not CaseCategory.objects.filter(case=c).exists():
                continue
            band = dcs(completed_years(c.child.date_of_birth, c.reported_on))
            by_status[(c.status, c.child.sex, band)] += 1
            by_month[(c.reported_on.replace(day=1), c.child.sex, band)] += 1
        assert Counter(queries.caseload_table(cast.national_me, period=period, rows="status").counts) == by_status
        assert Counter(queries.caseload_table(cast.national_me, period=period, rows="month").counts) == by_month


def test_the_cells_and_the_tables_follow_every_change(cast: Any) -> None:
    from cpims.cases.actions import case_update
    from cpims.cases.tests.conftest import advance, code
    from cpims.referrals import actions as referral_actions
    from cpims.registry.actions import PersonInput, person_update

    made = make_mixed_cases(cast, n=12)
    for opened in made[:4]:
        serve(opened.created_by, opened, opened.office, "IFST", opened.reported_on + dt.timedelta(days=20))
    assert _cells() == _cells_from_the_facts()
    assert CaseloadMonth.objects.filter(dimension="service").exists()
    _assert_tables_agree(cast)
    # A closure (status and intervention), a change of categories, a transfer, a corrected date
    # of birth that moves the child across an age band, and a case reported on a quarter's edge.
    first = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 9, 30), categories=("CSIC",))
    second = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 10, 1))
    advance(first, cast, "closed")
    second.refresh_from_db()
    case_update(
        actor=cast.nairobi_officer,
        case=second,
        expected_version=second.version,
        categories=[{"category": code("case_category_id", "CLAB")}, {"category": code("case_category_id", "CSNG")}],
    )
    serve(cast.nairobi_officer, second, cast.westlands_office, "CMTN", dt.date(2025, 10, 31))
    assert _cells() == _cells_from_the_facts()
    transfer = referral_actions.transfer_request(
        actor=cast.nairobi_officer, case=second, to_office=cast.turkana_central_office, reason="Moved"
    )
    referral_actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    kid = second.child
    kid.refresh_from_db()
    data = PersonInput.from_person(kid)
    data.date_of_birth = dt.date(2019, 10, 1)  # six on the day reported: 6-10, no longer 0-5 or 11-15
    person_update(actor=cast.nairobi_officer, person=kid, data=data, expected_updated_at=kid.updated_at)
    assert _cells() == _cells_from_the_facts()
    _assert_tables_agree(cast)
    # Categories removed: the cells they filled are emptied, and an empty cell is not kept.
    second.refresh_from_db()
    case_update(
        actor=cast.turkana_officer,  # the case is Turkana's since the transfer
        case=second,
        expected_version=second.version,
        categories=[{"category": code("case_category_id", "CSIC")}],
    )
    got, want = _cells(), _cells_from_the_facts()
    assert got == want
    assert not CaseloadMonth.objects.filter(n=0).exists()
    _assert_tables_agree(cast)
    # A service deleted, and a case deleted outright: its facts wait for the refresh its deletion queued, which takes
    # its cells away.
    ServiceRecord.objects.filter(case=made[0]).delete()
    Case.objects.filter(pk=first.pk).delete()
    assert _cells() == _cells_from_the_facts()
    assert not CaseFact.objects.filter(case_id=first.pk).exists()
    _assert_tables_agree(cast)


def test_rebuild_and_the_migration_give_the_incremental_cells(cast: Any) -> None:
    from django.apps import apps

    make_mixed_cases(cast, n=12)
    before = _cells()
    assert before
    CaseloadMonth.objects.all().delete()
    rollups.rebuild()
    assert _cells() == before
    CaseloadMonth.objects.all().delete()
    importlib.import_module("cpims.reporting.migrations.0007_caseload_month").build_caseload_months(apps, None)
    assert _cells() == before
    CaseloadMonth.objects.all().delete()
    facts.rebuild_all()
    assert _cells() == before


def test_the_roll_up_holds_the_tables_own_counting_rules() -> None:
    for dimension, (column, cases_only) in rollups.CASELOAD_DIMENSIONS.items():
        assert queries.DIMENSIONS[dimension] == column
        assert cases_only == (dimension in queries.CASE_DIMENSIONS), dimension


def test_only_a_national_reader_reads_the_national_cells(cast: Any) -> None:
    """A county coordinator's table with no area is their county's, from the facts: never the
    country's cells."""
    make_mixed_cases(cast, n=12)
    period = Period.parse("2025/26")
    assert queries.national_reader(cast.national_me)
    assert not queries.national_reader(cast.nairobi_coordinator)
    nairobi = queries.caseload_table(cast.nairobi_coordinator, period=period, rows="category")
    counted = _from_the_facts(cast.nairobi_coordinator, period, "category")
    assert nairobi.counts == counted.counts
    national = queries.caseload_table(cast.national_me, period=period, rows="category")
    assert (nairobi.grand_total or 0) < (national.grand_total or 0)
    assert nairobi.grand_total and sum(nairobi.counts.values()) == nairobi.grand_total


def test_a_period_of_part_months_is_counted_from_the_facts(cast: Any) -> None:
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 20))
    part = Period("custom", dt.date(2025, 7, 1), dt.date(2025, 7, 10))
    assert not part.whole_months and Period.parse("2025/26").whole_months
    assert queries.caseload_table(cast.national_me, period=part, rows="status").grand_total == 1
    assert queries.caseload_table(cast.national_me, period=Period.parse("2025-07"), rows="status").grand_total == 2


def test_the_national_table_reads_the_cells_not_the_facts(cast: Any) -> None:
    make_mixed_cases(cast, n=12)
    facts.catch_up()
    period = Period.parse("2025/26")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        queries.caseload_table(cast.national_me, period=period, rows="category")
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "reporting_caseloadmonth" in tables and "reporting_casefact" not in tables


def test_cells_that_drifted_from_the_facts_are_recounted_not_stored_wrong(cast: Any) -> None:
    make_mixed_cases(cast, n=6)
    before = _cells()
    cell = next(iter(before))
    rollups.refresh(set(), {cell: -10_000})  # a difference larger than the cell: it has drifted
    assert _cells() == before == _cells_from_the_facts()

"""caseload_table / caseload_tables: labels, totals, counts of cases vs categories, scope."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.cases.tests.conftest import code
from cpims.core.periods import Period
from cpims.reporting import queries
from cpims.reporting.tests.test_facts import make_mixed_cases

pytestmark = pytest.mark.django_db
FY = Period.parse("2025/26")
DIMS = ["category", "intervention", "status", "place_of_event", "sub_category", "month", "risk_level", "reporter_type"]


def test_tables_at_once_equal_tables_one_by_one(cast: Any) -> None:
    make_mixed_cases(cast, n=16)
    for user in (cast.national_me, cast.stakeholder, cast.nairobi_coordinator):
        together = queries.caseload_tables(user, period=FY, rows=DIMS, bands="knbs")
        for dim, table in zip(DIMS, together, strict=True):
            alone = queries.caseload_table(user, period=FY, rows=dim, bands="knbs")
            assert table.as_matrix() == alone.as_matrix(), (user, dim)
            assert [r.label for r in table.rows] == [r.label for r in alone.rows]


def test_table_shape_and_totals(cast: Any) -> None:
    make_mixed_cases(cast, n=16)
    table = queries.caseload_table(cast.national_me, period=FY)
    assert not table.suppressed
    # Every DCS case category is a row, like the Excel return.
    from cpims.core.models import Code

    assert (
        len([r for r in table.rows if r.key is not None])
        >= Code.objects.filter(code_list__name="case_category_id", is_active=True).count()
    )
    assert [c.band for c in table.columns[:6]] == ["0-5", "6-10", "11-15", "16-18", "18+", "unknown"]
    assert table.total == sum(table.row_total(r.key) for r in table.rows)
    assert table.total == sum(table.col_total(c.sex, c.band) for c in table.columns)
    counts = queries.fact_counts(cast.national_me, period=FY, group_by=[])
    assert table.total == counts[()]
    cases = queries.caseload_table(cast.national_me, period=FY, rows="status")
    assert cases.cases_only
    assert cases.total == queries.fact_counts(cast.national_me, period=FY, group_by=[], cases_only=True)[()]
    intervention = queries.caseload_table(cast.national_me, period=FY, rows="intervention")
    assert intervention.total == table.total  # the "none yet" row keeps the populations equal
    label = {r.key: r.label for r in table.rows}[code("case_category_id", "CSIC").pk]
    assert label == code("case_category_id", "CSIC").label


def test_scope_of_figures(cast: Any) -> None:
    make_mixed_cases(cast, n=12)
    everything = queries.fact_counts(cast.national_me, period=FY, group_by=["county"], cases_only=True)
    nairobi = queries.fact_counts(cast.nairobi_coordinator, period=FY, group_by=["county"], cases_only=True)
    turkana = queries.fact_counts(cast.turkana_officer, period=FY, group_by=["county"], cases_only=True)
    assert set(nairobi) == {(cast.nairobi_office.county_id,)}
    assert set(turkana) == {(cast.turkana_office.county_id,)}
    assert nairobi[(cast.nairobi_office.county_id,)] + turkana[(cast.turkana_office.county_id,)] == sum(
        everything.values()
    )
    assert queries.fact_counts(cast.admin, period=FY, group_by=[]) == {(): 0}
    # An area filter inside the national scope equals the county coordinator's own scope.
    county = cast.nairobi_office.county
    assert (
        queries.fact_counts(cast.national_me, period=FY, group_by=["county"], cases_only=True, area=county) == nairobi
    )


def test_filters_and_unknown_dimensions(cast: Any) -> None:
    make_mixed_cases(cast, n=8)
    csic = code("case_category_id", "CSIC")
    by_filter = queries.fact_counts(cast.national_me, period=FY, group_by=["sex"], filters={"category": csic})
    by_group = queries.fact_counts(cast.national_me, period=FY, group_by=["category", "sex"])
    assert by_filter == {(sex,): n for (cat, sex), n in by_group.items() if cat == csic.pk}
    assert queries.fact_counts(cast.national_me, period=FY, group_by=[], filters={"intervention": None}) == (
        queries.fact_counts(cast.national_me, period=FY, group_by=[])
    )
    with pytest.raises(ValueError):
        queries.fact_counts(cast.national_me, period=FY, group_by=["child_name"])
    with pytest.raises(ValueError):
        queries.caseload_table(cast.national_me, period=FY, rows="sex")


def test_default_and_allowed_areas(cast: Any) -> None:
    assert queries.default_area(cast.national_me) is None
    assert queries.default_area(cast.nairobi_coordinator) == cast.nairobi_office.county
    assert queries.default_area(cast.nairobi_officer) == cast.westlands_office.sub_county
    keys = {c.area.key for c in queries.areas_for(cast.nairobi_coordinator) if c.area}
    assert cast.nairobi_office.county.key in keys
    assert cast.westlands_office.sub_county.key in keys
    assert cast.turkana_office.county.key not in keys
    stakeholder = {c.area.key if c.area else "" for c in queries.areas_for(cast.stakeholder)}
    assert cast.westlands_office.sub_county.key not in stakeholder
    assert cast.turkana_office.county.key in stakeholder

"""The dashboards' monthly roll-ups always equal the facts they are counted from."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from typing import Any

import pytest

from cpims.cases.models import Case, CaseCategory
from cpims.referrals.models import Transfer
from cpims.reporting import facts, rollups
from cpims.reporting.models import CaseMonth, CategoryMonth
from cpims.reporting.queries import rollups_visible_to
from cpims.reporting.tests.conftest import case
from cpims.reporting.tests.test_facts import make_mixed_cases

pytestmark = pytest.mark.django_db


def _rolled_up() -> tuple[Counter, Counter]:
    facts.catch_up()
    months = Counter()
    for row in CaseMonth.objects.all():
        months[(row.month, row.county_id, row.sub_county_id, "cases")] += row.cases
        months[(row.month, row.county_id, row.sub_county_id, "closed")] += row.closed
    categories = Counter()
    for row in CategoryMonth.objects.all():
        categories[(row.month, row.county_id, row.category_id)] += row.n
    return +months, +categories


def _from_the_records() -> tuple[Counter, Counter]:
    """The same figures counted from the cases and their categories, not from the facts."""
    months = Counter()
    categories = Counter()
    for c in Case.objects.all():
        month = c.reported_on.replace(day=1)
        cats = list(CaseCategory.objects.filter(case=c).order_by("id"))
        if not cats:
            continue
        # A case counts where it was reported: the sender of its first accepted transfer, if any.
        first = Transfer.objects.filter(case=c, status="accepted").order_by("answered_at", "id").first()
        county, sub_county = (
            (first.from_office.county_id, first.from_office.sub_county_id) if first else (c.county_id, c.sub_county_id)
        )
        months[(month, county, sub_county, "cases")] += 1
        months[(month, county, sub_county, "closed")] += c.status == Case.Status.CLOSED
        for cat in cats:
            categories[(month, county, cat.category_id)] += 1
    return +months, +categories


def test_roll_ups_equal_an_independent_count_of_mixed_cases(cast: Any) -> None:
    make_mixed_cases(cast, n=18)
    assert _rolled_up() == _from_the_records()
    assert CaseMonth.objects.exists() and CategoryMonth.objects.exists()


def test_roll_ups_follow_closure_category_change_and_transfer(cast: Any) -> None:
    from cpims.cases.actions import case_update
    from cpims.cases.tests.conftest import advance, code
    from cpims.referrals import actions as referral_actions

    first = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3), categories=("CSIC",))
    second = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 9))
    advance(first, cast, "closed")
    assert _rolled_up() == _from_the_records()
    second.refresh_from_db()
    case_update(
        actor=cast.nairobi_officer,
        case=second,
        expected_version=second.version,
        categories=[{"category": code("case_category_id", "CLAB")}, {"category": code("case_category_id", "CSNG")}],
    )
    assert _rolled_up() == _from_the_records()
    transfer = referral_actions.transfer_request(
        actor=cast.nairobi_officer, case=second, to_office=cast.turkana_central_office, reason="Moved"
    )
    referral_actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    months, categories = _rolled_up()
    assert (months, categories) == _from_the_records()
    # A transfer does not rewrite history: both July cases stay in Westlands' July row.
    turkana, westlands = cast.turkana_central_office, cast.westlands_office
    assert months[(dt.date(2025, 7, 1), turkana.county_id, turkana.sub_county_id, "cases")] == 0
    assert months[(dt.date(2025, 7, 1), westlands.county_id, westlands.sub_county_id, "cases")] == 2


def test_rebuild_and_the_migration_give_the_incremental_roll_ups(cast: Any) -> None:
    from django.apps import apps

    make_mixed_cases(cast, n=12)
    before = _rolled_up()
    CaseMonth.objects.all().delete()
    CategoryMonth.objects.all().delete()
    rollups.rebuild()
    assert _rolled_up() == before
    CaseMonth.objects.all().delete()
    CategoryMonth.objects.all().delete()
    importlib.import_module("cpims.reporting.migrations.0005_dashboard_rollups").build_rollups(apps, None)
    assert _rolled_up() == before
    CaseMonth.objects.all().delete()
    facts.rebuild_all()
    assert _rolled_up() == before


def test_a_single_change_recounts_only_its_month_and_area(cast: Any) -> None:
    make_mixed_cases(cast, n=12)
    facts.catch_up()
    untouched = {r.pk for r in CaseMonth.objects.exclude(month=dt.date(2025, 7, 1))}
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 20))
    facts.catch_up()
    assert untouched <= set(CaseMonth.objects.values_list("pk", flat=True))
    assert _rolled_up() == _from_the_records()


def test_roll_ups_are_scoped_to_areas(cast: Any) -> None:
    make_mixed_cases(cast, n=9)
    nairobi = cast.westlands_office.county_id
    assert set(rollups_visible_to(cast.nairobi_coordinator, CaseMonth).values_list("county_id", flat=True)) == {nairobi}
    assert set(rollups_visible_to(cast.nairobi_coordinator, CategoryMonth).values_list("county_id", flat=True)) == {
        nairobi
    }
    assert rollups_visible_to(cast.national_me, CaseMonth).count() == CaseMonth.objects.count()
    # A sub-county officer's grant is below the county roll-up: none of it.
    assert not rollups_visible_to(cast.nairobi_officer, CategoryMonth).exists()
    assert set(rollups_visible_to(cast.nairobi_officer, CaseMonth).values_list("sub_county_id", flat=True)) == {
        cast.westlands_office.sub_county_id
    }

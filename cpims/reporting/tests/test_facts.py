"""The caseload facts equal an independent count of the records, and follow every change."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest

from cpims.cases.models import Case, CaseCategory
from cpims.core.periods import Period
from cpims.reporting import facts
from cpims.reporting.models import CaseFact, FactQueue
from cpims.reporting.queries import fact_counts
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db

CATEGORIES = ("CSIC", "CSNG", "CLAB", "CSAB")


def completed_years(born: dt.date | None, on: dt.date) -> int | None:
    """Written here again on purpose (not cpims.core.ages): the count must be independent."""
    if born is None:
        return None
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def dcs(age: int | None) -> str:
    if age is None:
        return "unknown"
    for low, high, key in ((0, 5, "0-5"), (6, 10, "6-10"), (11, 15, "11-15"), (16, 17, "16-18")):
        if low <= age <= high:
            return key
    return "18+"


def independent(start: dt.date, end: dt.date, cases_only: bool = False) -> Counter:
    """(category id, sex, DCS band) -> n, counted straight from the case records."""
    out: Counter = Counter()
    for c in Case.objects.filter(reported_on__gte=start, reported_on__lte=end).select_related("child"):
        rows = list(CaseCategory.objects.filter(case=c).order_by("id"))
        if cases_only:
            rows = rows[:1]
        for row in rows:
            out[(row.category_id, c.child.sex, dcs(completed_years(c.child.date_of_birth, c.reported_on)))] += 1
    return out


def make_mixed_cases(cast: Any, n: int = 24, seed: int = 5) -> list[Any]:
    rng = random.Random(seed)
    made = []
    for i in range(n):
        reported = dt.date(2025, 5, 1) + dt.timedelta(days=rng.randrange(0, 150))
        born = None if i % 7 == 0 else reported - dt.timedelta(days=rng.randrange(0, 20 * 365))
        cats = tuple(rng.sample(CATEGORIES, rng.choice([1, 1, 2])))
        office = cast.westlands_office if i % 3 else cast.turkana_central_office
        actor = cast.nairobi_officer if i % 3 else cast.turkana_officer
        made.append(
            case(actor, office, reported_on=reported, categories=cats, sex=rng.choice(["male", "female"]), born=born)
        )
    return made


def test_counts_equal_an_independent_count_by_category_sex_band_and_quarter(cast: Any) -> None:
    make_mixed_cases(cast)
    for code in ("2024/25-Q4", "2025/26-Q1", "2025/26-Q2", "2024/25", "2025/26", "2025-07"):
        period = Period.parse(code)
        got = fact_counts(cast.national_me, period=period, group_by=["category", "sex", "dcs_band"])
        assert Counter(got) == independent(period.start, period.end), code
        got_cases = fact_counts(
            cast.national_me, period=period, group_by=["category", "sex", "dcs_band"], cases_only=True
        )
        assert Counter(got_cases) == independent(period.start, period.end, cases_only=True), code


def test_financial_year_and_quarter_edges(cast: Any) -> None:
    june = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 6, 30))
    july = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 1))
    q4, q1 = Period.parse("2024/25-Q4"), Period.parse("2025/26-Q1")
    assert fact_counts(cast.national_me, period=q4, group_by=[], cases_only=True) == {(): 1}
    assert fact_counts(cast.national_me, period=q1, group_by=[], cases_only=True) == {(): 1}
    assert fact_counts(cast.national_me, period=Period.parse("2025"), group_by=[], cases_only=True) == {(): 2}
    by_month = fact_counts(cast.national_me, period=Period.parse("2025"), group_by=["month"], cases_only=True)
    assert by_month == {(dt.date(2025, 6, 1),): 1, (dt.date(2025, 7, 1),): 1}
    assert {june.pk, july.pk} == set(CaseFact.objects.values_list("case_id", flat=True))


def test_a_child_who_turns_six_on_the_day_reported_is_six_to_ten(cast: Any) -> None:
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 1), born=dt.date(2019, 7, 1))
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 1), born=dt.date(2019, 7, 2))
    period = Period.parse("2025-07")
    assert fact_counts(cast.national_me, period=period, group_by=["dcs_band"]) == {("6-10",): 1, ("0-5",): 1}
    assert fact_counts(cast.national_me, period=period, group_by=["knbs_band"]) == {("5-9",): 2}
    fact = CaseFact.objects.get(case__child__date_of_birth=dt.date(2019, 7, 1))
    assert fact.age == 6


def test_seventeen_is_16_18_and_eighteen_is_adult(cast: Any) -> None:
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 1), born=dt.date(2007, 7, 2))
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 1), born=dt.date(2007, 7, 1))
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 1), born=None)
    got = fact_counts(cast.national_me, period=Period.parse("2025-07"), group_by=["dcs_band", "knbs_band"])
    assert got == {("16-18", "15-17"): 1, ("18+", "18+"): 1, ("unknown", "unknown"): 1}


def test_facts_follow_closure_with_interventions(cast: Any) -> None:
    from cpims.cases.tests.conftest import advance, code

    opened = case(
        cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3), categories=("CSIC", "CSNG")
    )
    period = Period.parse("2025/26")
    assert fact_counts(cast.national_me, period=period, group_by=["intervention", "status"]) == {(None, "reported"): 2}
    advance(opened, cast, "closed")
    counseling = code("intervention_id", "CMTN").pk
    assert fact_counts(cast.national_me, period=period, group_by=["intervention", "status"]) == {
        (counseling, "closed"): 2
    }
    fact = CaseFact.objects.filter(case=opened, primary=True).get()
    assert fact.closed_on is not None
    assert fact.days_to_close == (fact.closed_on - dt.date(2025, 7, 3)).days


def test_facts_follow_a_corrected_date_of_birth_and_sex(cast: Any) -> None:
    from cpims.registry.actions import PersonInput, person_update

    opened = case(
        cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3), born=dt.date(2021, 1, 1)
    )
    period = Period.parse("2025-07")
    assert fact_counts(cast.national_me, period=period, group_by=["sex", "dcs_band"]) == {("female", "0-5"): 1}
    kid = opened.child
    kid.refresh_from_db()
    data = PersonInput.from_person(kid)
    data.date_of_birth = dt.date(2012, 1, 1)
    data.sex = "male"
    person_update(actor=cast.nairobi_officer, person=kid, data=data, expected_updated_at=kid.updated_at)
    assert fact_counts(cast.national_me, period=period, group_by=["sex", "dcs_band"]) == {("male", "11-15"): 1}


def test_facts_follow_a_category_change_and_an_edit(cast: Any) -> None:
    from cpims.cases.actions import case_update
    from cpims.cases.tests.conftest import code

    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3), categories=("CSIC",))
    period = Period.parse("2025-07")
    case_update(
        actor=cast.nairobi_officer,
        case=opened,
        expected_version=opened.version,
        categories=[{"category": code("case_category_id", "CLAB")}, {"category": code("case_category_id", "CSNG")}],
        risk_level=code("risk_level_id", "RLHG") if _has("risk_level_id", "RLHG") else None,
    )
    got = fact_counts(cast.national_me, period=period, group_by=["category"])
    assert got == {(code("case_category_id", "CLAB").pk,): 1, (code("case_category_id", "CSNG").pk,): 1}
    assert CaseFact.objects.filter(case=opened, primary=True).count() == 1


def _has(list_name: str, value: str) -> bool:
    from cpims.core.models import Code

    return Code.objects.filter(code_list__name=list_name, code=value).exists()


def test_catch_up_is_one_query_when_nothing_changed(cast: Any, django_assert_num_queries: Any) -> None:
    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    facts.catch_up()
    with django_assert_num_queries(1):
        assert facts.catch_up() == 0


def test_the_sweep_catches_a_write_that_bypassed_the_signals(cast: Any) -> None:
    from django.utils import timezone

    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    facts.catch_up(sweep=True)
    Case.objects.filter(pk=opened.pk).update(status="closed", updated_at=timezone.now())
    assert CaseFact.objects.get(case=opened).status == "reported"
    from cpims.reporting.models import FactState

    FactState.objects.update(swept_at=timezone.now() - facts.SWEEP_EVERY * 2)
    assert facts.catch_up(sweep=True) == 1
    assert CaseFact.objects.get(case=opened).status == "closed"


def test_rebuild_all_matches_the_incremental_facts(cast: Any) -> None:
    make_mixed_cases(cast, n=10)
    facts.catch_up()
    before = sorted(CaseFact.objects.values_list("case_category_id", "primary", "sex", "dcs_band", "category_id"))
    CaseFact.objects.all().delete()
    assert facts.rebuild_all() == 10
    after = sorted(CaseFact.objects.values_list("case_category_id", "primary", "sex", "dcs_band", "category_id"))
    assert before == after
    assert not FactQueue.objects.exists()

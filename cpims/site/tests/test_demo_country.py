"""The country-sized demo data set (cpims/site/demo.py): what the generator says it writes is
what the database holds (counted independently), a second run adds nothing, the mix looks like
the country's, and the full size gives the national dashboard over a thousand cases and Nairobi's
AAC pack something in every chart."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db.models import Count

from cpims.site import demo

pytestmark = pytest.mark.django_db


def _tables() -> dict[str, int]:
    from cpims.care.models import Placement
    from cpims.cases.models import Case, CaseCategory, ServiceRecord
    from cpims.court.models import CourtSession
    from cpims.referrals.models import Referral
    from cpims.registry.models import Household, Person
    from cpims.returns.models import MonthlyReturn, ReturnEvent

    models: list[Any] = [Person, Household, Case, CaseCategory, ServiceRecord, Referral, CourtSession, Placement]
    return {m.__name__: m.objects.count() for m in [*models, MonthlyReturn, ReturnEvent]}


def _load(settings: Any, size: str) -> tuple[dict[str, int], int]:
    from cpims.reporting.demo import load_demo_reporting

    settings.CPIMS_DEMO = True
    written = demo.load_demo_country(size)
    load_demo_reporting()  # the facts, as load_demo builds them between the two
    returns = demo.load_demo_country_returns(size)
    return written, returns


def test_small_demo_holds_what_the_generator_says(settings: Any, reference: None) -> None:
    from cpims.care.models import Placement
    from cpims.cases.models import Case
    from cpims.registry.models import Person
    from cpims.returns.models import MonthlyReturn

    spec = demo.SIZES["small"]
    written, returns = _load(settings, "small")

    # Counted independently of the generator's own counters.
    children = Person.objects.filter(kind=Person.Kind.CHILD).count()
    assert spec.children <= children < spec.children + 5  # whole households: a few over
    assert written["children"] > children  # and their caregivers
    assert Case.objects.count() == spec.cases == written["cases"]
    assert Placement.objects.count() == written["placements"] > 0
    assert MonthlyReturn.objects.count() == returns > 0


def test_second_run_adds_nothing(settings: Any, reference: None) -> None:
    _load(settings, "small")
    before = _tables()
    written, returns = _load(settings, "small")
    assert written == {"children": 0, "cases": 0, "placements": 0}
    assert returns == 0
    assert _tables() == before


def test_none_adds_nothing(settings: Any, reference: None) -> None:
    settings.CPIMS_DEMO = True
    assert demo.load_demo_country("none") == {}
    assert demo.load_demo_country_returns("none") == 0
    assert _tables()["Case"] == 0


def test_refused_outside_demo_mode(settings: Any, reference: None) -> None:
    settings.CPIMS_DEMO = False
    with pytest.raises(RuntimeError):
        demo.load_demo_country("small")


def test_the_mix_is_sensible(settings: Any, reference: None) -> None:
    from cpims.cases.models import Case, CaseCategory
    from cpims.returns.models import MonthlyReturn

    _load(settings, "small")
    cases = Case.objects.all()
    today = demo._today()
    # Two years back from today, spread over the months.
    first, last = min(c.reported_on for c in cases), max(c.reported_on for c in cases)
    assert today - dt.timedelta(days=740) <= first <= today - dt.timedelta(days=600)
    assert last <= today
    assert len({(c.reported_on.year, c.reported_on.month) for c in cases}) >= 20
    # Most cases in the two full counties, some elsewhere.
    by_county = Counter(cases.values_list("county__code", flat=True))
    full = by_county[demo.NAIROBI] + by_county[demo.TURKANA]
    assert by_county[demo.NAIROBI] > by_county[demo.TURKANA] > 0
    assert 0.6 * len(cases) <= full < len(cases)
    # Older cases mostly closed, recent ones mostly open.
    old = cases.filter(reported_on__lt=today - dt.timedelta(days=365))
    recent = cases.filter(reported_on__gte=today - dt.timedelta(days=30))
    assert old.filter(status="closed").count() > 0.7 * old.count()
    assert recent.exclude(status="closed").count() > 0.5 * recent.count()
    # The national skew of categories: child neglect (CSIC) the commonest.
    top = CaseCategory.objects.values("category__code").annotate(n=Count("id")).order_by("-n").first()
    assert top is not None and top["category__code"] == "CSIC"
    # Children of every age.
    ages = {
        (c.reported_on - c.child.date_of_birth).days // 365
        for c in cases.select_related("child")
        if c.child.date_of_birth is not None
    }
    assert {0, 5, 10, 15} <= {a // 5 * 5 for a in ages}
    # Returns: mostly on time.
    received = MonthlyReturn.objects.exclude(first_submitted_at=None)
    assert received.filter(on_time=True).count() > 0.7 * received.count()


def test_full_demo_fills_the_national_dashboard_and_the_aac_pack(settings: Any, reference: None) -> None:
    """The full size (as `make run` loads it): over 1,000 cases on the national dashboard over two
    years, and every chart of Nairobi's AAC pack for the latest complete quarter has data."""
    from conftest import make_user
    from cpims.accounts import roles as R
    from cpims.core.periods import QUARTER, Period
    from cpims.geo.models import Area, OrgUnit
    from cpims.reporting.dashboards import packs
    from cpims.reporting.dashboards import queries as Q

    _load(settings, "full")
    national = make_user("demo.test.national", R.NATIONAL_ME, OrgUnit.objects.get(code="DCS-HQ"))
    today = demo._today()
    months = Q.monthly_cases(national, Q.Target(Q.NATIONAL), today - dt.timedelta(days=731), today)
    assert sum(months.values()) >= 1000
    assert len(months) >= 24

    coordinator = make_user("demo.test.coordinator", R.COUNTY_COORDINATOR, OrgUnit.objects.get(code="DCS-C047"))
    quarter = Period.recent(QUARTER, today, 2)[1]  # the latest complete quarter
    assert quarter.end < today
    nairobi = Q.Target(Q.COUNTY, Area.objects.get(level="county", code=demo.NAIROBI))
    pack = packs.pack_data(coordinator, packs.AAC_QUARTERLY, nairobi, quarter)
    assert pack.top_categories and all(n for _label, n in pack.top_categories)
    assert len(pack.trend) == 3 and all(n for _label, n in pack.trend)
    for table in [pack.headline, *pack.tables]:
        numbers = [cell for row in table.rows for cell in row if isinstance(cell, int | float)]
        assert numbers and any(numbers), f"{table.title} is empty"
    completeness = Q.completeness_summary(coordinator, nairobi, quarter)
    assert completeness is not None

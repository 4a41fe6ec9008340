"""A demo that looks like a country (CPIMS_DEMO only; deterministic, idempotent).

On top of each app's handful of demo records, ``load_demo_country()`` makes a synthetic data set
with the shape of a real one, so every dashboard, map, table, pack and task list has something to
show: Nairobi and Turkana in full (every sub-county), a little in each of the other 45 counties,
two years of cases back from today (categories, ages and outcomes in the national mix), services,
referrals to partners, court, placements in several institutions and monthly returns, mostly on
time. docs/demo.md describes what it holds.

It drives the bench's generators (bench/: the national-scale data set of ``make bench``) with the
demo's own sizes, county weights and dates, so the two never drift apart: one generator, two
sizes. The bench writes with bulk inserts, bypassing the actions and their audit rows (a few
thousand cases through the actions would take many minutes on SQLite); the caseload facts are
rebuilt afterwards by the reporting app's demo loader. Every person is invented: names are drawn
from the bench's lists (bench/names.py) and combined at random.

The bench is a top-level package of this repository, imported here only when the demo is loaded
(``manage.py load_demo`` runs from the repository root), never by the running application.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

NAIROBI, TURKANA = "047", "023"
FULL_COUNTIES = (NAIROBI, TURKANA)
SEED = "cpims-demo"


@dataclass(frozen=True)
class Size:
    children: int  # in the registry
    cases: int  # over two years back from today
    institutions: int
    placements: int  # children in care today (about)
    return_months: int  # complete months of returns in the two full counties
    other_return_months: int  # … and in the other counties


SIZES = {
    "small": Size(children=500, cases=200, institutions=6, placements=24, return_months=2, other_return_months=0),
    "full": Size(children=6000, cases=3000, institutions=30, placements=300, return_months=9, other_return_months=1),
}

# Registry children by county: Nairobi and Turkana in full, a little everywhere else.
COUNTY_WEIGHTS_FULL = {NAIROBI: 60.0, TURKANA: 25.0}
OTHER_COUNTY_WEIGHT = 0.4


def county_weights() -> dict[str, float]:
    from bench import names as N

    return {code: COUNTY_WEIGHTS_FULL.get(code, OTHER_COUNTY_WEIGHT) for code in N.COUNTY_POPULATION}


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Africa/Nairobi")).date()


def _say(message: str) -> None:
    # Progress to stderr: load_demo's output (the demo users) stays the same run after run.
    print(f"  demo: {message}", file=sys.stderr, flush=True)


def load_demo_country(size: str | None = None) -> dict[str, int]:
    """Bring the country data set up to ``size`` (default settings.CPIMS_DEMO_SIZE); a second run
    adds nothing. Returns what was written this time (its keys: children, cases, placements,
    returns)."""
    size = size or settings.CPIMS_DEMO_SIZE
    if size == "none":
        return {}
    if not settings.CPIMS_DEMO:
        raise RuntimeError("Demo data may only be loaded with CPIMS_DEMO=true.")
    spec = SIZES[size]
    from bench import care as bench_care
    from bench import cases as bench_cases
    from bench import generate as bench_registry

    today = _today()
    weights = county_weights()
    started = time.monotonic()
    out: dict[str, int] = {}

    cpu = time.process_time()

    def step(name: str) -> None:
        _say(f"{name} ({time.monotonic() - started:.0f} s, {time.process_time() - cpu:.0f} s of CPU)")

    _say(f"a country at size {size!r}: {spec.children:,} children, {spec.cases:,} cases over two years")
    out["children"] = _counted(
        "registry_person",
        lambda: bench_registry.generate(spec.children, batch=2500, verbose=False, county_weights=weights, today=today),
    )
    step(f"registry: {spec.children:,} children with their families")
    # Cases newest first at ``rate`` a year back from today: ``cases`` cases cover two years.
    out["cases"] = _counted(
        "cases_case",
        lambda: bench_cases.generate(spec.cases, batch=2000, verbose=False, end=today, rate=max(spec.cases // 2, 1)),
    )
    step("cases with services, referrals and court")
    out["placements"] = _counted(
        "care_placement",
        lambda: bench_care.generate(
            institutions=spec.institutions,
            placements=spec.placements,
            batch=2000,
            today=today,
            county_weights=weights,
        ),
    )
    step("institutions and placements")
    return out


def load_demo_country_returns(size: str | None = None) -> int:
    """The monthly returns of the country data set. Runs after the reporting app has built the
    caseload facts (a return's figures are read from them); returns how many were written."""
    size = size or settings.CPIMS_DEMO_SIZE
    if size == "none":
        return 0
    if not settings.CPIMS_DEMO:
        raise RuntimeError("Demo data may only be loaded with CPIMS_DEMO=true.")
    started, cpu = time.monotonic(), time.process_time()
    spec = SIZES[size]
    written = load_returns(spec.return_months, spec.other_return_months, _today())
    _say(f"{written:,} monthly returns ({time.monotonic() - started:.0f} s, {time.process_time() - cpu:.0f} s of CPU)")
    return written


def _counted(table: str, run: Any) -> int:
    """How many rows ``run()`` added to ``table`` (counted in the database, not by the generator)."""
    from django.db import connection

    q = connection.ops.quote_name

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {q(table)}")  # noqa: S608 - a fixed table name
            return int(cursor.fetchone()[0])

    before = count()
    run()
    return count() - before


# --- monthly returns ---------------------------------------------------------------------------


def _nairobi(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo("Africa/Nairobi"))


# The units the returns app's own demo plays a story with (cpims/returns/demo.py): left alone
# for its months.
STORY_UNITS = ("DCS-SC274", "DEMO-NGO-WESTLANDS", "DCS-SC125")
STORY_MONTHS = 6


def load_returns(months: int, other_months: int, today: dt.date) -> int:
    """Monthly returns of every reporting unit in Nairobi and Turkana for the ``months`` complete
    months before this one (and the last ``other_months`` in the other counties): about 85 % on time,
    most approved, the last month partly awaiting the county; a few missing. Written in bulk (the
    figures from the records computed as a submission would). Returns how many were written."""
    from cpims.core.periods import Period
    from cpims.geo.models import OrgUnit
    from cpims.returns import registry
    from cpims.returns.models import MonthlyReturn, ReturnEvent

    this_month = Period.month(today.year, today.month)
    periods = [this_month.previous()]
    while len(periods) < months:
        periods.append(periods[-1].previous())
    units = list(
        OrgUnit.objects.filter(kind__in=registry.expected_org_unit_kinds(), is_active=True)
        .select_related("county")
        .order_by("code")
    )
    done = set(MonthlyReturn.objects.values_list("org_unit_id", "month"))
    clerk, reviewer = _return_users()
    written = 0
    for i, period in enumerate(periods):
        new: list[tuple[MonthlyReturn, list[ReturnEvent]]] = []
        for unit in units:
            full = unit.county is not None and unit.county.code in FULL_COUNTIES
            if (not full and i >= other_months) or (unit.pk, period.start) in done:
                continue
            if unit.code in STORY_UNITS and i < STORY_MONTHS - 1:
                continue
            kind = registry.kind_for_org_unit_kind(unit.kind)
            if kind is None:
                continue
            rng = random.Random(f"{SEED}:return:{unit.code}:{period.code}")  # noqa: S311 - synthetic data
            drawn = _draw_return(rng, kind, period, i, full)
            if drawn is not None:
                new.append(_return_rows(unit, kind, period, drawn, clerk, reviewer))
        with transaction.atomic():
            MonthlyReturn.objects.bulk_create([ret for ret, _ in new], batch_size=500)
            for ret, events in new:
                for event in events:
                    event.monthly_return = ret
            ReturnEvent.objects.bulk_create([e for _, events in new for e in events], batch_size=1000)
        written += len(new)
    return written


@dataclass(frozen=True)
class DrawnReturn:
    submitted_at: dt.datetime
    approved_at: dt.datetime | None


def _draw_return(rng: random.Random, kind: Any, period: Any, age: int, full: bool) -> DrawnReturn | None:
    """When the return was submitted and approved, or None when the unit sent none."""
    if rng.random() < (0.04 if full else 0.6):  # elsewhere: a sample, and a lower completeness
        return None
    due = kind.due_date(period)
    if rng.random() < 0.85:  # on time: up to the due day
        day = due - dt.timedelta(days=rng.randrange(0, 4))
    else:
        day = due + dt.timedelta(days=rng.randrange(1, 12))
    day = max(day, period.end)  # never before the month's last day
    submitted = _nairobi(day, rng.randrange(8, 17))
    awaiting = age == 0 and rng.random() < 0.4  # last month: some still awaiting the county
    approved = None if awaiting else submitted + dt.timedelta(days=rng.randrange(1, 8), hours=1)
    return DrawnReturn(submitted, approved)


def _return_rows(unit: Any, kind: Any, period: Any, drawn: DrawnReturn, clerk: Any, reviewer: Any) -> tuple[Any, Any]:
    from cpims.returns.models import MonthlyReturn, ReturnEvent

    figures = {str(k): int(v) for k, v in kind.prefill(unit, period).items()}
    status = MonthlyReturn.Status.APPROVED if drawn.approved_at else MonthlyReturn.Status.SUBMITTED
    ret = MonthlyReturn.blank(
        kind,
        unit,
        period,
        status=status,
        version=3 if drawn.approved_at else 2,
        prefilled=figures,
        prefilled_at=drawn.submitted_at,
        created_by=clerk,
        first_submitted_at=drawn.submitted_at,
        on_time=kind.is_on_time(period, drawn.submitted_at),
        submitted_at=drawn.submitted_at,
        submitted_by=clerk,
        approved_at=drawn.approved_at,
        approved_by=reviewer if drawn.approved_at else None,
    )
    snapshot = {"prefilled": figures, "paper": ret.paper}
    events = [
        ReturnEvent(kind=ReturnEvent.Kind.CREATED, actor=clerk, at=drawn.submitted_at - dt.timedelta(hours=2)),
        ReturnEvent(kind=ReturnEvent.Kind.SUBMITTED, actor=clerk, at=drawn.submitted_at, figures=snapshot),
    ]
    if drawn.approved_at:
        events.append(
            ReturnEvent(kind=ReturnEvent.Kind.APPROVED, actor=reviewer, at=drawn.approved_at, figures=snapshot)
        )
    return ret, events


def _return_users() -> tuple[Any, Any]:
    """Who the bulk-written returns say submitted and approved them: a demo clerk and the
    national demo reviewer (synthetic accounts that cannot sign in)."""
    from cpims.accounts.models import User

    clerk, created = User.objects.get_or_create(
        username="demo.returns.clerk", defaults={"first_name": "Demo", "last_name": "Returns clerk"}
    )
    if created:
        clerk.set_unusable_password()
        clerk.save(update_fields=["password"])
    reviewer = User.objects.filter(username="demo.coordinator").first() or clerk
    return clerk, reviewer

"""Monthly roll-ups of the caseload facts for the dashboards (``CaseMonth``, ``CategoryMonth``).

A national dashboard for a financial year would otherwise count a quarter of a million fact rows
several times over; the roll-ups hold one row per month and sub-county (and per month, county and
category), so the same figures are sums over a few thousand rows.

They are derived from the facts and rebuilt with them, never edited: whenever the facts of some
cases change (``facts.refresh_cases``), every (month, sub-county) those cases' facts sat in before
or after is recounted from the facts, under the same advisory lock as the catch-up so two
processes never recount one month at once (each recount, made after the lock is taken, sees
every fact committed before it). ``rebuild()`` recounts everything (after
``rebuild_all``). Correctness is tested against the facts themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from cpims.core.locks import xact_lock
from cpims.reporting.models import CaseFact, CaseMonth, CategoryMonth

# (month, county id, sub-county id) — what one fact row contributes to.
Key = tuple[dt.date, int | None, int | None]

LOCK = 0x43504D52  # "CPMR": roll-up writers queue behind each other
CLOSED = "closed"  # Case.Status.CLOSED, as the facts carry it


def keys_of(case_ids: Iterable[int]) -> set[Key]:
    """The (month, county, sub-county) keys the current facts of these cases sit in."""
    rows = CaseFact.objects.filter(case_id__in=list(case_ids)).values_list("month", "county_id", "sub_county_id")
    return set(rows.distinct())


def _in(field: str, values: set[int | None]) -> Q:
    q = Q(**{f"{field}__in": [v for v in values if v is not None]})
    return q | Q(**{f"{field}__isnull": True}) if None in values else q


def _where(keys: set[Key], area: int, *, facts: bool = False) -> Q:
    """Rows of the keys' months in the keys' areas (``area``: 1 county, 2 sub-county), month by
    month, so a change in March in Westlands never recounts Westlands' other months. On the facts
    the month is also given as a range of ``reported_on``, the column their area indexes lead with."""
    field = "county" if area == 1 else "sub_county"
    by_month: dict[dt.date, set[int | None]] = {}
    for key in keys:
        by_month.setdefault(key[0], set()).add(key[area])
    where = Q(pk__in=[])
    for month, areas in by_month.items():
        q = Q(month=month) & _in(field, areas)
        if facts:
            following = (month + dt.timedelta(days=32)).replace(day=1)
            q &= Q(reported_on__gte=month, reported_on__lt=following)
        where |= q
    return where


def refresh(keys: set[Key]) -> None:
    """Recount the roll-up rows of these keys from the facts (inside the caller's transaction)."""
    if not keys:
        return
    with transaction.atomic():
        xact_lock(LOCK)
        CaseMonth.objects.filter(_where(keys, 2)).delete()
        recount = CaseFact.objects.filter(_where(keys, 2, facts=True))
        CaseMonth.objects.bulk_create(_case_months(recount), batch_size=2000)
        CategoryMonth.objects.filter(_where(keys, 1)).delete()
        recount = CaseFact.objects.filter(_where(keys, 1, facts=True))
        CategoryMonth.objects.bulk_create(_category_months(recount), batch_size=2000)


def rebuild() -> None:
    """Recount every roll-up row from the facts."""
    with transaction.atomic():
        xact_lock(LOCK)
        CaseMonth.objects.all().delete()
        CaseMonth.objects.bulk_create(_case_months(CaseFact.objects.all()), batch_size=2000)
        CategoryMonth.objects.all().delete()
        CategoryMonth.objects.bulk_create(_category_months(CaseFact.objects.all()), batch_size=2000)


def _case_months(facts: QuerySet[CaseFact]) -> list[CaseMonth]:
    rows = (
        facts.filter(primary=True)
        .values("month", "county_id", "sub_county_id")
        .annotate(cases=Count("*"), closed=Count("id", filter=Q(status=CLOSED)))
        .order_by()
    )
    return [
        CaseMonth(
            month=r["month"],
            county_id=r["county_id"],
            sub_county_id=r["sub_county_id"],
            cases=r["cases"],
            closed=r["closed"],
        )
        for r in rows
    ]


def _category_months(facts: QuerySet[CaseFact]) -> list[CategoryMonth]:
    rows = facts.values("month", "county_id", "category_id").annotate(n=Count("*")).order_by()
    return [
        CategoryMonth(month=r["month"], county_id=r["county_id"], category_id=r["category_id"], n=r["n"]) for r in rows
    ]

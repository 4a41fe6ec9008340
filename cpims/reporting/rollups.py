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

The national caseload cells (``CaseloadMonth``) are kept by difference instead: a national month
holds tens of thousands of facts, too many to recount on every saved case, so each refresh adds
what its cases' facts contribute now and takes away what they contributed before, under the
same lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from cpims.core.locks import xact_lock
from cpims.reporting.models import (
    CaseFact,
    CaseloadMonth,
    CaseMonth,
    CategoryMonth,
    FollowUpDue,
    FollowUpFact,
    ServiceFact,
)

logger = logging.getLogger(__name__)

# (month, county id, sub-county id) — what one fact row contributes to.
Key = tuple[dt.date, int | None, int | None]
# (day due, county id, sub-county id) — what one follow-up fact contributes to.
DueKey = tuple[dt.date, int | None, int | None]

LOCK = 0x43504D52  # "CPMR": roll-up writers queue behind each other
CLOSED = "closed"  # Case.Status.CLOSED, as the facts carry it

# The caseload tables' row dimensions the national roll-up holds: the fact column, and whether
# the dimension counts cases (its first category only) rather than categories, as the tables do.
# Cases by month are the status rows summed by month.
CASELOAD_DIMENSIONS: dict[str, tuple[str, bool]] = {
    "category": ("category_id", False),
    "sub_category": ("sub_category_id", False),
    "intervention": ("intervention_id", False),
    "place_of_event": ("place_of_event_id", False),
    "risk_level": ("risk_level_id", True),
    "reporter_type": ("reporter_type_id", True),
    "status": ("status", True),
}
# Services given (the service facts, by the month given) are the cells of dimension "service".
SERVICE = "service"
# (month, dimension, value, sex, dcs_band, knbs_band): one national caseload cell.
Cell = tuple[dt.date, str, str, str, str, str]
_CELL_FIELDS = ("month", "dimension", "value", "sex", "dcs_band", "knbs_band")


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


def refresh(keys: set[Key], cells: dict[Cell, int] | None = None) -> None:
    """Recount the roll-up rows of these keys from the facts, and add ``cells`` (what the
    refreshed cases' facts changed, ``cells_of`` after minus before) to the national caseload
    cells (inside the caller's transaction)."""
    if not keys and not cells:
        return
    with transaction.atomic():
        xact_lock(LOCK)
        _add_cells(cells or {})
        CaseMonth.objects.filter(_where(keys, 2)).delete()
        recount = CaseFact.objects.filter(_where(keys, 2, facts=True))
        CaseMonth.objects.bulk_create(_case_months(recount), batch_size=2000)
        CategoryMonth.objects.filter(_where(keys, 1)).delete()
        recount = CaseFact.objects.filter(_where(keys, 1, facts=True))
        CategoryMonth.objects.bulk_create(_category_months(recount), batch_size=2000)


def refresh_due(keys: set[DueKey]) -> None:
    """Recount the follow-ups due of these (day, county, sub-county) keys from the follow-up
    facts (inside the caller's transaction, under the roll-ups' lock)."""
    if not keys:
        return
    with transaction.atomic():
        xact_lock(LOCK)
        by_day: dict[dt.date, set[int | None]] = {}
        for due_on, _county, sub_county in keys:
            by_day.setdefault(due_on, set()).add(sub_county)
        where = Q(pk__in=[])
        for due_on, areas in by_day.items():
            where |= Q(due_on=due_on) & _in("sub_county", areas)
        FollowUpDue.objects.filter(where).delete()
        FollowUpDue.objects.bulk_create(_followups_due(FollowUpFact.objects.filter(where)), batch_size=2000)


def rebuild() -> None:
    """Recount every roll-up row from the facts."""
    with transaction.atomic():
        xact_lock(LOCK)
        FollowUpDue.objects.all().delete()
        FollowUpDue.objects.bulk_create(_followups_due(FollowUpFact.objects.all()), batch_size=2000)
        CaseMonth.objects.all().delete()
        CaseMonth.objects.bulk_create(_case_months(CaseFact.objects.all()), batch_size=2000)
        CategoryMonth.objects.all().delete()
        CategoryMonth.objects.bulk_create(_category_months(CaseFact.objects.all()), batch_size=2000)
        CaseloadMonth.objects.all().delete()
        made = _caseload_months(CaseFact.objects.all(), ServiceFact.objects.all())
        CaseloadMonth.objects.bulk_create(made, batch_size=2000)


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


def _value(value: object) -> str:
    return "" if value is None else str(value)


def cells_of(case_ids: Iterable[int]) -> Counter[Cell]:
    """What the current facts of these cases (their categories and their services) contribute to
    the national caseload cells (two queries; a refresh reads them before and after it rewrites
    the facts)."""
    ids = list(case_ids)
    cells: Counter[Cell] = Counter()
    columns = [column for column, _cases in CASELOAD_DIMENSIONS.values()]
    rows = CaseFact.objects.filter(case_id__in=ids).values_list(
        "month", "primary", "sex", "dcs_band", "knbs_band", *columns
    )
    for month, primary, sex, dcs_band, knbs_band, *values in rows:
        for (dimension, (_column, cases_only)), value in zip(CASELOAD_DIMENSIONS.items(), values, strict=True):
            if primary or not cases_only:
                cells[(month, dimension, _value(value), sex, dcs_band, knbs_band)] += 1
    services = ServiceFact.objects.filter(case_id__in=ids).values_list(
        "given_on", "service_id", "sex", "dcs_band", "knbs_band"
    )
    for given_on, service_id, sex, dcs_band, knbs_band in services:
        cells[(given_on.replace(day=1), SERVICE, _value(service_id), sex, dcs_band, knbs_band)] += 1
    return cells


def difference(after: Counter[Cell], before: Counter[Cell]) -> dict[Cell, int]:
    """after - before, negative counts kept (Counter's own subtraction drops them)."""
    return {cell: n for cell in after.keys() | before.keys() if (n := after[cell] - before[cell])}


def _add_cells(delta: dict[Cell, int]) -> None:
    """Add ``delta`` to the stored cells: read the rows it may touch (per dimension, its months
    and values), then update, create and delete (a cell that falls to 0) in bulk."""
    if not delta:
        return
    where = Q(pk__in=[])
    by_dimension: dict[str, tuple[set[dt.date], set[str]]] = {}
    for month, dimension, value, *_rest in delta:
        months, values = by_dimension.setdefault(dimension, (set(), set()))
        months.add(month)
        values.add(value)
    for dimension, (months, values) in by_dimension.items():
        where |= Q(dimension=dimension, month__in=months, value__in=values)
    stored = {tuple(getattr(row, f) for f in _CELL_FIELDS): row for row in CaseloadMonth.objects.filter(where)}
    changed, created, emptied = [], [], []
    for cell, n in delta.items():
        row = stored.get(cell)
        total = (row.n if row else 0) + n
        if total < 0:
            # The cells no longer match the facts (written around the refresh): never store a
            # wrong figure, and never stop the reads that fold changes in; recount the months.
            months = {month for month, *_rest in delta}
            logger.error("national caseload cells of %s drifted from the facts: recounted", sorted(months))
            _recount_cells(months)
            return
        if row is None:
            created.append(CaseloadMonth(**dict(zip(_CELL_FIELDS, cell, strict=True)), n=total))
        elif total == 0:
            emptied.append(row.pk)
        else:
            row.n = total
            changed.append(row)
    CaseloadMonth.objects.filter(pk__in=emptied).delete()
    CaseloadMonth.objects.bulk_update(changed, ["n"], batch_size=1000)
    CaseloadMonth.objects.bulk_create(created, batch_size=2000)


def _recount_cells(months: set[dt.date]) -> None:
    """Recount the national cells of these months from the facts and service facts."""
    reported, given = Q(pk__in=[]), Q(pk__in=[])
    for month in months:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        reported |= Q(reported_on__gte=month, reported_on__lt=following)
        given |= Q(given_on__gte=month, given_on__lt=following)
    CaseloadMonth.objects.filter(month__in=months).delete()
    made = _caseload_months(CaseFact.objects.filter(reported), ServiceFact.objects.filter(given))
    CaseloadMonth.objects.bulk_create(made, batch_size=2000)


def _caseload_months(facts: QuerySet[CaseFact], service_facts: QuerySet[ServiceFact]) -> list[CaseloadMonth]:
    services = (
        service_facts.annotate(month=TruncMonth("given_on"))
        .values("month", "service_id", "sex", "dcs_band", "knbs_band")
        .annotate(n=Count("*"))
        .order_by()
    )
    made = [
        CaseloadMonth(
            month=r["month"],
            dimension=SERVICE,
            value=_value(r["service_id"]),
            sex=r["sex"],
            dcs_band=r["dcs_band"],
            knbs_band=r["knbs_band"],
            n=r["n"],
        )
        for r in services
    ]
    for dimension, (column, cases_only) in CASELOAD_DIMENSIONS.items():
        counted = facts.filter(primary=True) if cases_only else facts
        rows = counted.values("month", column, "sex", "dcs_band", "knbs_band").annotate(n=Count("*")).order_by()
        made += [
            CaseloadMonth(
                month=r["month"],
                dimension=dimension,
                value=_value(r[column]),
                sex=r["sex"],
                dcs_band=r["dcs_band"],
                knbs_band=r["knbs_band"],
                n=r["n"],
            )
            for r in rows
        ]
    return made


def _followups_due(facts: QuerySet[FollowUpFact]) -> list[FollowUpDue]:
    rows = facts.values("due_on", "county_id", "sub_county_id").annotate(n=Count("*")).order_by()
    return [FollowUpDue(**r) for r in rows]

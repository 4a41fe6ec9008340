"""Every read of monthly returns, starting from the scope rules (cpims.accounts.scope).

* Seeing a return: ``return.submit`` or ``return.approve`` over it (a sub-county officer sees the
  returns of the units in the sub-county, a county coordinator the county's, national M&E all).
  Outside that scope the answer is 404.
* Preparing and submitting: ``return.submit`` held *at* the reporting unit itself (the unit's own
  staff), never through an area grant.
* Reviewing (approve, return with comment, reopen for correction): ``return.approve`` over it.

Completeness and timeliness are aggregate figures: anyone holding ``report.view_aggregate``,
``return.submit`` or ``return.approve`` sees them for the units in their scope.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.tasks import Task
from cpims.core.periods import MONTH, Period
from cpims.geo.models import Area, OrgUnit
from cpims.returns import registry
from cpims.returns.models import MonthlyReturn

PAGE_SIZE = 25
VIEW_PERMS = (P.RETURN_SUBMIT, P.RETURN_APPROVE)
COMPLETENESS_PERMS = (P.REPORT_VIEW_AGGREGATE, P.RETURN_SUBMIT, P.RETURN_APPROVE)
UNIT_MONTHS = 12  # months shown on a unit's page
REMINDER_MONTHS = 3  # how far back overdue returns are chased and shown as tasks


def nairobi_today() -> dt.date:
    return timezone.localdate(timezone.now(), timezone=_nairobi())


def _nairobi() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(registry.NAIROBI)


def _union(user: User, model: type, perms: tuple[str, ...]) -> Q | None:
    combined: Q | None = None
    for perm in perms:
        q = scope.visible_q(user, model, perm)
        if q is None:
            continue
        if not q:
            return Q()
        combined = q if combined is None else combined | q
    return combined


def can_view_returns(user: User) -> bool:
    return any(scope.has_perm(user, p) for p in VIEW_PERMS)


def can_view_completeness(user: User) -> bool:
    return any(scope.has_perm(user, p) for p in COMPLETENESS_PERMS)


def returns_visible_to(user: User) -> QuerySet[MonthlyReturn]:
    q = _union(user, MonthlyReturn, VIEW_PERMS)
    qs = MonthlyReturn.objects.all()
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def return_for(user: User, public_id: Any, *, write: str | None = None) -> MonthlyReturn:
    """One return: 403 for users who hold no returns permission at all; 404 outside the user's
    scope; 403 without ``write`` (a permission) over it."""
    if not can_view_returns(user):
        raise PermissionDenied
    try:
        ret = returns_visible_to(user).select_related("org_unit", "county", "sub_county").get(public_id=public_id)
    except (MonthlyReturn.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc  # a malformed UUID too
    if write == P.RETURN_SUBMIT and not holds_at(user, P.RETURN_SUBMIT, ret.org_unit):
        raise PermissionDenied
    if write == P.RETURN_APPROVE and not scope.can(user, P.RETURN_APPROVE, ret):
        raise PermissionDenied
    return ret


def holds_at(user: User, perm: str, unit: OrgUnit) -> bool:
    """True if ``user`` holds ``perm`` at ``unit`` itself (an assignment there)."""
    return unit is not None and any(g.org_unit_id == unit.pk for g in scope.grants_for(user).with_perm(perm))


def can_review(user: User, ret: MonthlyReturn) -> bool:
    return scope.can(user, P.RETURN_APPROVE, ret)


def submit_unit_ids(user: User) -> list[int]:
    """The units whose returns the user sends (``return.submit`` held there: the unit's own staff)."""
    return sorted({g.org_unit_id for g in scope.grants_for(user).with_perm(P.RETURN_SUBMIT)})


def reporting_units(user: User) -> list[OrgUnit]:
    """The units whose returns ``user`` prepares: active units of a registered kind where the user
    holds ``return.submit`` (the unit's own staff)."""
    ids = submit_unit_ids(user)
    kinds = registry.expected_org_unit_kinds()
    return list(OrgUnit.objects.filter(pk__in=ids, kind__in=kinds, is_active=True).order_by("name"))


def reporting_unit_for(user: User, public_id: Any) -> OrgUnit:
    """A unit the user reports for; 404 otherwise (we do not confirm other units exist)."""
    for unit in reporting_units(user):
        if str(unit.public_id) == str(public_id):
            return unit
    raise Http404


def month_of(value: str | None) -> Period | None:
    """A month period from a code such as ``2026-07`` (None if it is not one)."""
    try:
        period = Period.parse(value or "")
    except ValueError:
        return None
    return period if period.kind == MONTH else None


def last_months(n: int, *, today: dt.date | None = None) -> list[Period]:
    """The ``n`` months up to and including the current one, newest first."""
    today = today or nairobi_today()
    out = [Period.month(today.year, today.month)]
    while len(out) < n:
        out.append(out[-1].previous())
    return out


@dataclass
class UnitMonth:
    period: Period
    due_on: dt.date
    ret: MonthlyReturn | None
    overdue: bool


def unit_months(unit: OrgUnit, *, months: int = UNIT_MONTHS, today: dt.date | None = None) -> list[UnitMonth]:
    """The unit's last months with their return (if started) and whether it is overdue. One query."""
    rk = registry.kind_for_org_unit_kind(unit.kind)
    if rk is None:
        return []
    today = today or nairobi_today()
    periods = last_months(months, today=today)
    by_month = {
        r.month: r
        for r in MonthlyReturn.objects.filter(org_unit=unit, month__gte=periods[-1].start).select_related(
            "submitted_by"
        )
    }
    out = []
    for period in periods:
        ret = by_month.get(period.start)
        due = rk.due_date(period)
        received = ret is not None and ret.first_submitted_at is not None and ret.is_received
        out.append(UnitMonth(period, due, ret, overdue=not received and due < today))
    return out


def review_list(
    user: User,
    *,
    status: str = "",
    period: Period | None = None,
    area: Area | None = None,
    page: int = 1,
    mine: bool = False,
    to_review: bool = False,
) -> Page:
    """Returns the user may see, newest month first; filtered by status, month and area. ``mine``:
    only the user's own units' returns; ``to_review``: only those the user may approve and did not
    submit (the home page counts both)."""
    qs = returns_visible_to(user).select_related("org_unit", "county", "sub_county", "submitted_by")
    if mine:
        qs = qs.filter(org_unit__in=submit_unit_ids(user))
    if to_review:
        qs = qs.filter(pk__in=scope.restrict(user, MonthlyReturn.objects.all(), P.RETURN_APPROVE).values("pk"))
        qs = qs.exclude(submitted_by=user)
    if status in MonthlyReturn.Status.values:
        qs = qs.filter(status=status)
    if period is not None:
        qs = qs.filter(month__range=(period.start, period.end))
    if area is not None:
        qs = qs.filter(**_area_filter(area))
    qs = qs.order_by("-month", "county__name", "org_unit__name", "pk")
    return Paginator(qs, PAGE_SIZE).get_page(page)


def _area_filter(area: Area, prefix: str = "") -> dict[str, Any]:
    if area.level == Area.Level.COUNTY:
        return {f"{prefix}county": area.pk}
    return {f"{prefix}sub_county": area.sub_county_id or area.pk}


def history(ret: MonthlyReturn) -> list[Any]:
    return list(ret.events.select_related("actor").order_by("at", "id"))


def area_by_key(key: str | None) -> Area | None:
    """A county or sub-county from its public key (``county-047``); None if blank or unknown."""
    if not key or "-" not in key:
        return None
    level, code = key.split("-", 1)
    if level not in (Area.Level.COUNTY, Area.Level.SUB_COUNTY):
        return None
    return Area.objects.filter(level=level, code=code).first()


# --- completeness and timeliness -----------------------------------------------------------------


@dataclass(frozen=True)
class CompletenessRow:
    key: Any  # the Area pk of the row (None for the total row)
    label: str
    expected: int
    received: int
    on_time: int
    completeness_pct: float | None  # None when nothing is expected
    timeliness_pct: float | None
    area_key: str = ""  # "county-047" (for links and the map); "" for the total row


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def completeness(
    user: User,
    *,
    period: Period,
    area: Area | None = None,
    group_by: str | None = None,
) -> list[CompletenessRow]:
    """Completeness (received / expected) and timeliness (received on time / expected).

    Expected: for each month of ``period``, every active org unit of a registered return kind in
    the area and the user's scope, plus inactive units that did file a return for that month.
    Received: the return is submitted or approved. On time: its *first* submission was by the
    deadline (DCS practice: a return sent back and resubmitted keeps its first date).
    ``group_by``: ``"county"``, ``"sub_county"`` or None (one total row). Four queries.
    """
    if not can_view_completeness(user):
        raise PermissionDenied
    if group_by not in (None, "county", "sub_county"):
        raise ValueError("group_by must be 'county', 'sub_county' or None")
    kinds = registry.expected_org_unit_kinds()
    months = period.months()
    unit_q = _union(user, OrgUnit, COMPLETENESS_PERMS)
    if unit_q is None or not kinds:
        return []
    units = OrgUnit.objects.filter(unit_q, kind__in=kinds) if unit_q else OrgUnit.objects.filter(kind__in=kinds)
    if area is not None:
        units = units.filter(**_area_filter(area))
    gkey = f"{group_by}_id" if group_by else None
    expected = _expected_by(units.filter(is_active=True), gkey, len(months))
    returns = MonthlyReturn.objects.filter(org_unit__in=units.values("pk"), month__range=(period.start, period.end))
    received, on_time = _received_by(returns, gkey, expected)
    if not gkey:
        return [_total_row(area, expected[None], received[None], on_time[None])]
    keys = [k for k in set(expected) | set(received) if k is not None]
    names = {a.pk: a for a in Area.objects.filter(pk__in=keys)}
    out = [
        CompletenessRow(
            k,
            names[k].name,
            expected[k],
            received[k],
            on_time[k],
            _pct(received[k], expected[k]),
            _pct(on_time[k], expected[k]),
            names[k].key,
        )
        for k in keys
        if k in names
    ]
    return sorted(out, key=lambda r: r.label)


def _expected_by(active: QuerySet[OrgUnit], gkey: str | None, months: int) -> defaultdict[Any, int]:
    """Returns expected from the active units, by area pk (``None`` without grouping)."""
    expected: defaultdict[Any, int] = defaultdict(int)
    if gkey:
        for row in active.values(gkey).annotate(n=Count("pk")):
            expected[row[gkey]] += row["n"] * months
    else:
        expected[None] += active.count() * months
    return expected


def _received_by(
    returns: QuerySet[MonthlyReturn], gkey: str | None, expected: defaultdict[Any, int]
) -> tuple[defaultdict[Any, int], defaultdict[Any, int]]:
    """Returns received and received on time, by area pk; a return an inactive unit filed counts as
    expected too (added to ``expected``)."""
    received: defaultdict[Any, int] = defaultdict(int)
    on_time: defaultdict[Any, int] = defaultdict(int)
    rows = returns.values(*([f"org_unit__{gkey}"] if gkey else [])).annotate(
        got=Count("pk", filter=Q(status__in=MonthlyReturn.RECEIVED)),
        timely=Count("pk", filter=Q(status__in=MonthlyReturn.RECEIVED, on_time=True)),
        inactive=Count("pk", filter=Q(org_unit__is_active=False, status__in=MonthlyReturn.RECEIVED)),
    )
    for row in rows:
        key = row[f"org_unit__{gkey}"] if gkey else None
        received[key] += row["got"]
        on_time[key] += row["timely"]
        expected[key] += row["inactive"]
    return received, on_time


def _total_row(area: Area | None, expected: int, received: int, on_time: int) -> CompletenessRow:
    """The one row of an ungrouped completeness: of ``area``, or the total of the user's scope."""
    return CompletenessRow(
        area.pk if area is not None else None,
        str(area.name if area is not None else _("Total")),
        expected,
        received,
        on_time,
        _pct(received, expected),
        _pct(on_time, expected),
        area.key if area is not None else "",
    )


def area_visible(user: User, area: Area) -> bool:
    """True if the user's completeness scope reaches some reporting unit of ``area`` (else 404)."""
    unit_q = _union(user, OrgUnit, COMPLETENESS_PERMS)
    if unit_q is None:
        return False
    if not unit_q:
        return True
    return OrgUnit.objects.filter(unit_q, **_area_filter(area)).exists()


def completeness_units(user: User, *, period: Period, area: Area) -> list[tuple[OrgUnit, MonthlyReturn | None]]:
    """The expected units of a sub-county for one month with their return (for the drill-down)."""
    if not can_view_completeness(user):
        raise PermissionDenied
    unit_q = _union(user, OrgUnit, COMPLETENESS_PERMS)
    if unit_q is None:
        return []
    units = OrgUnit.objects.filter(unit_q) if unit_q else OrgUnit.objects.all()
    units = units.filter(kind__in=registry.expected_org_unit_kinds(), **_area_filter(area))
    by_unit = {
        r.org_unit_id: r for r in MonthlyReturn.objects.filter(org_unit__in=units.values("pk"), month=period.start)
    }
    return [
        (u, by_unit.get(u.pk))
        for u in units.order_by("name")
        if u.is_active or (u.pk in by_unit and by_unit[u.pk].is_received)
    ]


# --- overdue returns: tasks and reminders --------------------------------------------------------


def overdue(units: QuerySet[OrgUnit], *, today: dt.date | None = None) -> list[tuple[OrgUnit, Period, dt.date]]:
    """(unit, month, due date) for every return of the last months past its due day and not received.

    Two queries whatever the number of units."""
    today = today or nairobi_today()
    periods = last_months(REMINDER_MONTHS + 1, today=today)
    units = list(units.filter(is_active=True, kind__in=registry.expected_org_unit_kinds()))
    received = set(
        MonthlyReturn.objects.filter(
            org_unit__in=[u.pk for u in units],
            month__gte=periods[-1].start,
            status__in=MonthlyReturn.RECEIVED,
        ).values_list("org_unit_id", "month")
    )
    out = []
    for unit in units:
        rk = registry.kind_for_org_unit_kind(unit.kind)
        if rk is None:
            continue
        for period in periods:
            due = rk.due_date(period)
            if due < today and (unit.pk, period.start) not in received:
                out.append((unit, period, due))
    return out


def return_tasks(user: User) -> list[Task]:
    """Task-list source: overdue returns of the user's own units, and returns awaiting the user's review."""
    tasks: list[Task] = []
    if not getattr(user, "is_authenticated", False):
        return tasks
    mine = submit_unit_ids(user)
    if mine:
        for unit, period, due in overdue(OrgUnit.objects.filter(pk__in=mine)):
            tasks.append(
                Task(
                    kind="return_overdue",
                    title=_("Monthly return for %(month)s is overdue (%(unit)s)")
                    % {"month": period.label, "unit": unit.name},
                    url=reverse("returns:unit", kwargs={"unit_id": unit.public_id}) + f"?month={period.code}",
                    due_on=due,
                    source="returns",
                )
            )
    if scope.has_perm(user, P.RETURN_APPROVE):
        waiting = scope.restrict(user, MonthlyReturn.objects.all(), P.RETURN_APPROVE).filter(
            status=MonthlyReturn.Status.SUBMITTED
        )
        for ret in waiting.select_related("org_unit").order_by("month", "pk")[:100]:
            if ret.submitted_by_id == user.pk:
                continue  # nobody reviews their own return
            tasks.append(
                Task(
                    kind="return_review",
                    title=_("Review the monthly return of %(unit)s for %(month)s")
                    % {"unit": ret.org_unit.name, "month": ret.period.label},
                    url=reverse("returns:detail", kwargs={"public_id": ret.public_id}),
                    due_on=None,
                    source="returns",
                )
            )
    return tasks

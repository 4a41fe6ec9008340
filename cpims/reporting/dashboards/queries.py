"""Every read behind the dashboards, the county map and the packs.

Figures come only from the reporting contracts (``cpims/reporting/CONTRACTS.md``): caseload facts
(``cpims.reporting.queries``), returns completeness (``cpims.returns``) and children in care
(``cpims.care.queries``); referrals are counted on the referral facts, follow-ups on the case
records, through the scope rules. A dashboard is for a *target*: the nation, a county or a
sub-county. The target must lie wholly within one of the user's grants carrying
``report.view_aggregate`` (else 404; without that permission anywhere, 403). A viewer without
``report.view`` over the target (a stakeholder) gets suppressed figures: counts of 1–4 hidden,
plus a second figure where one hidden figure could be worked out from a total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.care.queries import care_counts
from cpims.core.models import Code
from cpims.core.periods import FY, HALF, MONTH, QUARTER, Period
from cpims.geo.models import Area
from cpims.referrals.models import Referral
from cpims.reporting.models import CaseMonth, CategoryMonth, FollowUpDue
from cpims.reporting.queries import (
    fact_counts,
    facts_visible_to,
    referral_facts_visible_to,
    rollups_visible_to,
    transfer_counts,
)

NATIONAL, COUNTY, SUB_COUNTY = "national", "county", "sub_county"
PERIOD_KINDS = (MONTH, QUARTER, HALF, FY)
TOP_CATEGORIES = 6
SMALL = 5  # counts below this (but above zero) are hidden from aggregate-only viewers


# --- targets and scope ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    level: str
    area: Area | None = None

    @property
    def key(self) -> str:
        return self.area.key if self.area else NATIONAL

    @property
    def label(self) -> str:
        if self.area is None:
            return _("Kenya (national)")
        if self.level == COUNTY:
            return _("%(name)s County") % {"name": self.area.name}
        return _("%(name)s Sub-county") % {"name": self.area.name}

    @property
    def url(self) -> str:
        if self.area is None:
            return reverse("dashboards:national")
        return reverse("dashboards:area", kwargs={"key": self.area.key})

    def facts_filter(self) -> Q:
        if self.area is None:
            return Q()
        return Q(county=self.area) if self.level == COUNTY else Q(sub_county=self.area)


def _covers(grant: scope.Grant, target: Target) -> bool:
    """True if ``grant`` reaches every record of ``target`` (the same reach as scope.restrict)."""
    if grant.scope == "national":
        return True
    if grant.scope != "area" or target.area is None:
        return False
    if grant.area_level == Area.Level.COUNTY:
        return target.area.county_id == grant.county_id
    if grant.area_level in (Area.Level.SUB_COUNTY, Area.Level.WARD):
        return target.level == SUB_COUNTY and target.area.pk == grant.sub_county_id
    return False


def covers(user: User, target: Target, perm: str = P.REPORT_VIEW_AGGREGATE) -> bool:
    return any(_covers(g, target) for g in scope.grants_for(user).with_perm(perm))


def aggregate_only(user: User, target: Target) -> bool:
    """Figures are suppressed unless the user holds report.view over the whole target."""
    return not covers(user, target, P.REPORT_VIEW)


def target_for(user: User, key: str | None) -> Target:
    """The dashboard target named by ``key`` (``national``, ``county-047``, ``sub_county-274``).

    403 when the user holds report.view_aggregate nowhere; 404 for an unknown key or an area
    outside the user's reach (we do not confirm what lies outside it)."""
    scope.require_perm(user, P.REPORT_VIEW_AGGREGATE)
    if not key or key == NATIONAL:
        target = Target(NATIONAL)
        if not covers(user, target):
            raise PermissionDenied
        return target
    level, _sep, code = key.partition("-")
    if level not in (COUNTY, SUB_COUNTY) or not code:
        raise Http404
    area = Area.objects.filter(level=level, code=code).select_related("county").first()
    if area is None:
        raise Http404
    target = Target(level, area)
    if not covers(user, target):
        raise Http404
    return target


def default_target(user: User) -> Target:
    """The widest target the user may see: the nation, else their county, else their sub-county."""
    scope.require_perm(user, P.REPORT_VIEW_AGGREGATE)
    grants = scope.grants_for(user).with_perm(P.REPORT_VIEW_AGGREGATE)
    if any(g.scope == "national" for g in grants):
        return Target(NATIONAL)
    area_grants = [g for g in grants if g.scope == "area"]
    for g in area_grants:
        if g.area_level == Area.Level.COUNTY and g.county_id:
            return Target(COUNTY, Area.objects.get(pk=g.county_id))
    for g in area_grants:
        if g.sub_county_id:
            return Target(SUB_COUNTY, Area.objects.select_related("county").get(pk=g.sub_county_id))
    raise PermissionDenied


def can_see_national(user: User) -> bool:
    return covers(user, Target(NATIONAL))


def parse_period(code: str | None, *, today: dt.date | None = None) -> Period:
    """The period asked for, or the current quarter; bad codes fall back to it (never a 500)."""
    if code:
        try:
            period = Period.parse(code)
        except ValueError:
            period = None
        if period is not None and period.kind in PERIOD_KINDS:
            return period
    return Period.containing(QUARTER, today or timezone.localdate())


def period_choices(current: Period, *, today: dt.date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Recent periods of every kind, for the period selector (grouped by kind)."""
    today = today or timezone.localdate()
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for kind, label, count in (
        (MONTH, _("Months"), 12),
        (QUARTER, _("Quarters (financial year)"), 8),
        (HALF, _("Half-years"), 4),
        (FY, _("Financial years"), 3),
    ):
        items = [(p.code, p.label) for p in Period.recent(kind, today, count)]
        if current.kind == kind and current.code not in {c for c, _l in items}:
            items.insert(0, (current.code, current.label))
        groups.append((label, items))
    return groups


# --- suppression of single figures ------------------------------------------------------------


def hide_small(value: int | None, suppressed: bool) -> int | None:
    """None (shown as "<5") for a count of 1–4 when the viewer is aggregate-only."""
    if value is None or not suppressed:
        return value
    return None if 0 < value < SMALL else value


def hide_parts(values: Sequence[int], suppressed: bool) -> list[int | None]:
    """Hide counts of 1–4 in a set of figures that add up to a shown total, and, when exactly one
    is hidden, the next smallest as well, so the hidden one cannot be worked out by subtraction."""
    if not suppressed:
        return list(values)
    out: list[int | None] = [hide_small(v, True) for v in values]
    if sum(1 for v in out if v is None) == 1:
        others = [(v, i) for i, v in enumerate(out) if v]
        if others:
            out[min(others)[1]] = None
    return out


# --- the dashboard ----------------------------------------------------------------------------


@dataclass
class Figure:
    label: str
    value: int | float | None
    display: str = ""
    hint: str = ""
    url: str = ""
    available: bool = True

    @property
    def text(self) -> str:
        if not self.available:
            return "—"
        if self.value is None:
            return "<5"
        return self.display or f"{self.value:,}"


@dataclass
class CompletenessFigure:
    key: Any
    label: str
    expected: int
    received: int
    on_time: int
    completeness_pct: float | None
    timeliness_pct: float | None


@dataclass
class Dashboard:
    target: Target
    period: Period
    suppressed: bool
    cases: Figure
    cases_previous: Figure
    cases_last_year: Figure
    change_pct: float | None
    open_cases: Figure
    closed_cases: Figure
    median_days: Figure
    overdue_followups: Figure
    referrals_completed: Figure
    referrals_sent: Figure
    transfers_in: Figure
    transfers_out: Figure
    children_in_care: Figure
    children_in_family_care: Figure
    completeness: CompletenessFigure | None
    completeness_rows: list[CompletenessFigure]
    top_categories: list[tuple[str, int | None, Any]]
    trend: list[tuple[Period, int | None]]
    by_area: list[tuple[Area, int | None]]
    children: list[Target] = field(default_factory=list)
    parent: Target | None = None
    can_drill: bool = False


def _facts(user: User) -> QuerySet[Any]:
    return facts_visible_to(user, P.REPORT_VIEW_AGGREGATE)


def _months(user: User, target: Target, start: dt.date, end: dt.date) -> QuerySet[Any]:
    """The target's monthly case roll-up rows for the months in [start, end] (periods are whole
    months, so the months reported in a period are exactly those rows)."""
    return rollups_visible_to(user, CaseMonth).filter(target.facts_filter(), month__gte=start, month__lte=end)


def monthly_cases(user: User, target: Target, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """Cases reported per month (first of the month -> count) in [start, end]: one query."""
    rows = _months(user, target, start, end).values("month").annotate(n=Sum("cases")).order_by()
    return {r["month"]: r["n"] for r in rows}


def open_closed(user: User, target: Target, period: Period) -> tuple[int, int]:
    """(cases reported in the period still open, those closed): one query on the roll-up."""
    sums = _months(user, target, period.start, period.end).aggregate(cases=Sum("cases"), closed=Sum("closed"))
    cases, closed = sums["cases"] or 0, sums["closed"] or 0
    return cases - closed, closed


def last_months(end: dt.date, count: int) -> list[Period]:
    """The ``count`` months up to the one holding ``end``, oldest first."""
    return Period.recent(MONTH, end, count)[::-1]


def _sum_months(monthly: dict[dt.date, int], period: Period) -> int:
    return sum(n for m, n in monthly.items() if period.start <= m <= period.end)


def pct_change(now: int | None, before: int | None) -> float | None:
    if now is None or not before:
        return None
    return round(100.0 * (now - before) / before, 1)


def category_counts(user: User, target: Target, period: Period) -> dict[int | None, int]:
    """Case categories reported in the period, by category: from the county roll-up for the nation
    or a county, from the facts for a sub-county (a few hundred rows)."""
    if target.level == SUB_COUNTY:
        counts = fact_counts(user, period=period, group_by=["category"], area=target.area)
        return {key[0]: n for key, n in counts.items()}
    rows = (
        rollups_visible_to(user, CategoryMonth)
        .filter(target.facts_filter(), month__gte=period.start, month__lte=period.end)
        .values("category_id")
        .annotate(n=Sum("n"))
        .order_by()
    )
    return {r["category_id"]: r["n"] for r in rows}


def top_categories(
    user: User, target: Target, period: Period, suppressed: bool, limit: int = TOP_CATEGORIES
) -> list[tuple[str, int | None, Any]]:
    """The most reported categories: (label, count or None when hidden, code id)."""
    counts = category_counts(user, target, period)
    ranked = sorted(((n, cid) for cid, n in counts.items() if n), key=lambda t: (-t[0], t[1] or 0))[:limit]
    labels = {
        pk: Code.pick_label(label, label_sw)
        for pk, label, label_sw in Code.objects.filter(pk__in=[c for _n, c in ranked if c]).values_list(
            "pk", "label", "label_sw"
        )
    }
    return [(labels.get(cid, _("Not recorded")), hide_small(n, suppressed), cid) for n, cid in ranked]


def median_days_to_close(user: User, target: Target, period: Period) -> tuple[int, float | None]:
    """(cases closed in the period, median days from report to closure): two small queries that
    let the database sort, so no list of a year's cases is read into memory."""
    qs = _facts(user).filter(
        target.facts_filter(),
        primary=True,
        closed_on__gte=period.start,
        closed_on__lte=period.end,
        days_to_close__isnull=False,
    )
    n = qs.count()
    if not n:
        return 0, None
    ordered = qs.order_by("days_to_close").values_list("days_to_close", flat=True)
    if n % 2:
        return n, float(ordered[n // 2])
    pair = list(ordered[n // 2 - 1 : n // 2 + 1])
    return n, sum(pair) / 2


def median_figure(closed_count: int, median: float | None, suppressed: bool) -> Figure:
    """The median days to closure. A median is not a count, so it is never "suppressed" (<5):
    an aggregate-only viewer sees it when at least ``SMALL`` cases closed in the period (a median
    of fewer would describe too few cases), else "not enough cases closed"."""
    if not closed_count or median is None:
        return Figure(_("Median days to closure"), None, hint=_("no case closed in the period"), available=False)
    if suppressed and closed_count < SMALL:
        return Figure(
            _("Median days to closure"),
            None,
            hint=_("not enough cases closed in the period to show a median"),
            available=False,
        )
    return Figure(
        _("Median days to closure"),
        median,
        display=f"{median:g}",
        hint=_("of %(n)s cases closed in the period") % {"n": f"{closed_count:,}"},
    )


def overdue_followups(user: User, target: Target, *, today: dt.date | None = None) -> int:
    """Follow-ups neither done nor ended, due before today, on the target's open cases (where the
    case is held now): a sum over the roll-up of follow-ups due by day and sub-county, so it does
    not grow with the number of cases."""
    today = today or timezone.localdate()
    rows = rollups_visible_to(user, FollowUpDue).filter(target.facts_filter(), due_on__lt=today)
    return rows.aggregate(n=Sum("n"))["n"] or 0


def referral_counts(user: User, target: Target, period: Period) -> tuple[int, int]:
    """(referrals sent in the period, referrals completed in the period) on the target's cases,
    counted on the referral facts: two index range counts, whatever the size of the area."""
    facts = referral_facts_visible_to(user).filter(target.facts_filter())
    sent = facts.filter(sent_on__gte=period.start, sent_on__lte=period.end).count()
    completed = facts.filter(
        status=Referral.Status.COMPLETED, completed_on__gte=period.start, completed_on__lte=period.end
    ).count()
    return sent, completed


def care_count(user: User, target: Target, *, on: dt.date | None = None) -> tuple[int, int]:
    """(children in institutional care, children in family-based care) on ``on`` (cpims.care):
    a foster, kinship or guardianship placement never counts as institutional care."""
    return care_counts(user, area=target.area, on=on)


# Returns completeness comes from cpims.returns, which builds on reporting: it registers its
# function here when it loads (returns/apps.py), so reporting never imports returns.
CompletenessSource = Callable[..., Sequence[Any]]
_completeness_sources: list[CompletenessSource] = []


def register_completeness_source(source: CompletenessSource) -> None:
    """``source(user, *, period, area, group_by)`` -> rows with key, label, expected, received,
    on_time, completeness_pct and timeliness_pct."""
    if source not in _completeness_sources:
        _completeness_sources.append(source)


def completeness_rows(
    user: User, target: Target, period: Period, group_by: str | None
) -> list[CompletenessFigure] | None:
    if not _completeness_sources:
        return None
    rows = [
        r for source in _completeness_sources for r in source(user, period=period, area=target.area, group_by=group_by)
    ]
    return [
        CompletenessFigure(
            key=getattr(r, "key", None),
            label=str(getattr(r, "label", "")),
            expected=r.expected,
            received=r.received,
            on_time=r.on_time,
            completeness_pct=r.completeness_pct,
            timeliness_pct=r.timeliness_pct,
        )
        for r in rows
    ]


def completeness_summary(user: User, target: Target, period: Period) -> CompletenessFigure | None:
    rows = completeness_rows(user, target, period, None)
    if not rows:
        return None
    if len(rows) == 1:
        return rows[0]
    expected, received, on_time = (sum(getattr(r, f) for r in rows) for f in ("expected", "received", "on_time"))
    return CompletenessFigure(
        None,
        target.label,
        expected,
        received,
        on_time,
        round(100.0 * received / expected, 1) if expected else None,
        round(100.0 * on_time / expected, 1) if expected else None,
    )


def completeness_by_area(user: User, target: Target, period: Period) -> list[CompletenessFigure]:
    group_by = COUNTY if target.level == NATIONAL else SUB_COUNTY
    return completeness_rows(user, target, period, group_by) or []


def child_targets(target: Target) -> list[Target]:
    if target.level == NATIONAL:
        return [Target(COUNTY, a) for a in Area.objects.filter(level=Area.Level.COUNTY).order_by("name")]
    if target.level == COUNTY:
        areas = Area.objects.filter(level=Area.Level.SUB_COUNTY, county=target.area).select_related("county")
        return [Target(SUB_COUNTY, a) for a in areas.order_by("name")]
    return []


def cases_by_area(user: User, target: Target, period: Period) -> dict[int, int]:
    """Cases reported in the period per county (national) or sub-county (county): area id -> n."""
    if target.level == SUB_COUNTY:
        return {}
    column = "county_id" if target.level == NATIONAL else "sub_county_id"
    rows = _months(user, target, period.start, period.end).values(column).annotate(n=Sum("cases")).order_by()
    return {r[column]: r["n"] for r in rows if r[column] is not None}


def dashboard(user: User, target: Target, period: Period, *, today: dt.date | None = None) -> Dashboard:
    """Everything one dashboard shows. A fixed number of queries whatever the size of the area."""
    today = today or timezone.localdate()
    suppressed = aggregate_only(user, target)
    previous, last_year = period.previous(), period.same_last_year()
    trend_months = last_months(period.end, 12)
    monthly = monthly_cases(user, target, min(last_year.start, previous.start, trend_months[0].start), period.end)
    now_n, prev_n, ly_n = (_sum_months(monthly, p) for p in (period, previous, last_year))

    open_n, closed_n = open_closed(user, target, period)
    open_v, closed_v = hide_parts([open_n, closed_n], suppressed)
    closed_count, median = median_days_to_close(user, target, period)
    sent, completed = referral_counts(user, target, period)
    # Cases are counted where they were reported; cases moved in the period are counted here.
    moved_in, moved_out = transfer_counts(user, period=period, area=target.area)
    in_care, in_family = care_count(user, target, on=min(today, period.end))
    children = child_targets(target)
    by_area_counts = cases_by_area(user, target, period)
    shown = hide_parts([by_area_counts.get(t.area.pk, 0) for t in children], suppressed) if children else []
    drill = covers(user, target, P.REPORT_VIEW) and scope.has_perm(user, P.CASE_VIEW)
    parent = None
    if target.level == SUB_COUNTY and covers(user, Target(COUNTY, target.area.county)):
        parent = Target(COUNTY, target.area.county)
    elif target.level == COUNTY and covers(user, Target(NATIONAL)):
        parent = Target(NATIONAL)
    shown_now = hide_small(now_n, suppressed)
    return Dashboard(
        target=target,
        period=period,
        suppressed=suppressed,
        cases=Figure(_("Cases reported"), shown_now),
        cases_previous=Figure(_("Previous period"), hide_small(prev_n, suppressed), hint=previous.label),
        cases_last_year=Figure(_("Same period last year"), hide_small(ly_n, suppressed), hint=last_year.label),
        change_pct=pct_change(shown_now, hide_small(prev_n, suppressed)),
        open_cases=Figure(_("Still open"), open_v),
        closed_cases=Figure(_("Closed"), closed_v),
        median_days=median_figure(closed_count, median, suppressed),
        overdue_followups=Figure(
            _("Overdue follow-ups"), hide_small(overdue_followups(user, target, today=today), suppressed)
        ),
        referrals_completed=Figure(_("Referrals completed"), hide_small(completed, suppressed)),
        referrals_sent=Figure(_("Referrals sent"), hide_small(sent, suppressed)),
        transfers_in=Figure(_("Cases transferred in"), hide_small(moved_in, suppressed)),
        transfers_out=Figure(_("Cases transferred out"), hide_small(moved_out, suppressed)),
        children_in_care=Figure(_("Children in institutional care"), hide_small(in_care, suppressed)),
        children_in_family_care=Figure(_("Children in family-based care"), hide_small(in_family, suppressed)),
        completeness=completeness_summary(user, target, period),
        completeness_rows=completeness_by_area(user, target, period),
        top_categories=top_categories(user, target, period, suppressed),
        trend=[(m, hide_small(monthly.get(m.start, 0), suppressed)) for m in trend_months],
        by_area=[(t.area, v) for t, v in zip(children, shown, strict=True)],
        children=children,
        parent=parent,
        can_drill=drill,
    )


def drillable_targets(user: User, targets: Iterable[Target]) -> set[str]:
    """Keys of the targets among ``targets`` the user may open a dashboard for."""
    return {t.key for t in targets if covers(user, t)}

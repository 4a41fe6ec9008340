"""Every read of care records, starting from the scope rules (cpims.accounts.scope).

Population figures (contract: cpims/reporting/CONTRACTS.md §4):

* A placement is *on the roll* of its institution on day D when it was admitted on or before D
  and had not ended by D (``ended_on`` empty or after D). The roll counts residents, children on
  leave and children who escaped and are not yet found (their place is kept until they are found
  or discharged); ``escaped`` and ``on_leave`` are also given separately.
* Age is the child's age in completed years on D, in the DCS bands (cpims.core.ages).
* Capacity is the sum of the institution's capacity rows; vacancies = capacity − roll (never
  below 0); *over capacity* when the roll exceeds the capacity, or a row (e.g. girls 0–5) holds
  more children than its places.

Alert date edges: an order *expires on* ``order_expires_on`` (the period counted from the date of
the order, as in the court app). On that day it shows as "expires today"; from the next day it is
*expired*. A review *due on* D is *overdue* from D + 1.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.care.models import (
    INSTITUTION_CARE_TYPES,
    CapacityRow,
    FollowUp,
    Institution,
    Placement,
    Review,
    StatusChange,
)
from cpims.cases.panels import Panel, case_has
from cpims.cases.tasks import Task
from cpims.core import ages
from cpims.core.models import Code
from cpims.core.periods import Period
from cpims.geo.models import Area, OrgUnit

PAGE_SIZE = 25
TASK_HORIZON_DAYS = 14
EXPIRING_DAYS = 30
TASK_LIMIT = 200
ALERT_LIMIT = 200
SEXES = ("male", "female", "intersex")


# --- placements ---------------------------------------------------------------------------------


def placements_visible_to(user: User, perm: str = P.PLACEMENT_VIEW) -> QuerySet[Placement]:
    return scope.restrict(user, Placement.objects.all(), perm)


def placement_for(user: User, public_id: Any, *, write: str | None = None) -> Placement:
    """One placement: 404 outside scope (or for another institution's child), 403 read-only."""
    return scope.get_for(
        user,
        Placement.objects.select_related(
            "child",
            "case",
            "institution",
            "care_type",
            "admission_type",
            "admission_reason",
            "discharge_type",
            "court",
            "location",
            "office",
            "previous__institution",
            "next__institution",
        ),
        view=P.PLACEMENT_VIEW,
        write=write,
        public_id=public_id,
    )


def can_manage(user: User, placement: Placement) -> bool:
    return scope.can(user, P.PLACEMENT_MANAGE, placement)


ACTIVE, ENDED, ALL = "active", "ended", "all"


def placement_list(user: User, *, show: str = ACTIVE, institution: OrgUnit | None = None, page: int = 1) -> Page:
    """A page of placements in scope. Constant queries: count + page (joins only)."""
    qs = placements_visible_to(user)
    if show == ACTIVE:
        qs = qs.filter(ended_on__isnull=True)
    elif show == ENDED:
        qs = qs.filter(ended_on__isnull=False)
    if institution is not None:
        qs = qs.filter(institution=institution)
    qs = qs.select_related("child", "institution", "care_type", "case").order_by("-admitted_on", "-id")
    return Paginator(qs, PAGE_SIZE).get_page(page)


@dataclass
class PlacementDetail:
    placement: Placement
    history: list[StatusChange]
    reviews: list[Review]
    followups: list[FollowUp]
    chain: list[Placement]  # every placement of the child the viewer may see, oldest first
    can_manage: bool


def placement_detail(user: User, placement: Placement) -> PlacementDetail:
    history = list(
        StatusChange.objects.filter(placement=placement)
        .select_related("discharge_type", "recorded_by")
        .order_by("on", "id")
    )
    reviews = list(Review.objects.filter(placement=placement).order_by("held_on", "due_on", "id"))
    followups = list(FollowUp.objects.filter(placement=placement).order_by("visited_on", "due_on", "id"))
    chain = list(
        placements_visible_to(user)
        .filter(child_id=placement.child_id)
        .select_related("institution", "care_type")
        .order_by("admitted_on", "id")
    )
    return PlacementDetail(
        placement=placement,
        history=history,
        reviews=reviews,
        followups=followups,
        chain=chain,
        can_manage=can_manage(user, placement),
    )


def person_access(units: list[int], perm: str) -> QuerySet[Any]:
    """For the registry (register_person_access): the children now placed in one of ``units``.
    An institution may open the record of a child in its care, and only while the child is."""
    return Placement.objects.filter(institution__in=units, ended_on__isnull=True).values("child_id")


LOOKUP_ATTEMPTS = 10  # unsuccessful admission lookups a user may make in LOOKUP_WINDOW
LOOKUP_WINDOW = dt.timedelta(hours=1)


def lookups_exhausted(user: User) -> bool:
    """Too many unsuccessful number + date-of-birth lookups lately (guessing, not admitting):
    counted from the audit log, read through its (actor, at) index."""
    from cpims.audit.models import AuditEvent

    since = timezone.now() - LOOKUP_WINDOW
    failed = AuditEvent.objects.filter(
        actor=user, at__gte=since, action="placement.admit_lookup", outcome=AuditEvent.Outcome.FAILURE
    )
    return failed.count() >= LOOKUP_ATTEMPTS


def child_placement_ids(person: Any, viewer: Any) -> dict[str, list[str]]:
    """For "who saw this child": the child's placements ``viewer`` may see (their views and
    changes), one query."""
    placements = placements_visible_to(viewer).filter(child=person)
    return {"care.placement": [str(i) for i in placements.values_list("public_id", flat=True)]}


# --- institutions -------------------------------------------------------------------------------


def _institution_q(user: User) -> Q | None:
    """Institutions the user may see: through placement.view or orgunit.manage grants."""
    combined: Q | None = None
    for perm in (P.PLACEMENT_VIEW, P.ORGUNIT_MANAGE):
        q = scope.visible_q(user, OrgUnit, perm)
        if q is not None:
            combined = q if combined is None else combined | q
    return combined


def institutions_visible_to(user: User) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(kind__in=OrgUnit.INSTITUTION_KINDS)
    q = _institution_q(user)
    if q is None:
        return qs.none()
    return qs.filter(q)


def institution_for(user: User, public_id: Any, *, write: bool = False) -> OrgUnit:
    """An institution (org unit) by public id: 404 outside scope; 403 to a change without
    placement.manage or orgunit.manage over it."""
    try:
        unit = institutions_visible_to(user).select_related("area", "county", "sub_county").get(public_id=public_id)
    except (OrgUnit.DoesNotExist, ValidationError, ValueError, TypeError) as exc:  # also a malformed id
        raise Http404 from exc
    if write and not (scope.can(user, P.PLACEMENT_MANAGE, unit) or scope.can(user, P.ORGUNIT_MANAGE, unit)):
        raise PermissionDenied
    return unit


def can_manage_institution(user: User, unit: OrgUnit) -> bool:
    return scope.can(user, P.PLACEMENT_MANAGE, unit) or scope.can(user, P.ORGUNIT_MANAGE, unit)


def profile_of(unit: OrgUnit) -> Institution | None:
    return (
        Institution.objects.filter(org_unit=unit)
        .select_related("institution_type", "serves")
        .prefetch_related("capacity_rows")
        .first()
    )


def _with_roll(qs: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    roll = (
        Placement.objects.filter(institution=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("institution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    capacity = (
        CapacityRow.objects.filter(institution__org_unit=OuterRef("pk"))
        .order_by()
        .values("institution")
        .annotate(n=Sum("places"))
        .values("n")
    )
    return qs.annotate(
        on_roll=Coalesce(Subquery(roll, output_field=IntegerField()), Value(0)),
        capacity=Coalesce(Subquery(capacity, output_field=IntegerField()), Value(0)),
    )


def institution_list(user: User, *, page: int = 1, q: str = "") -> Page:
    """Institutions in scope with roll, capacity and open state. Constant queries."""
    qs = _with_roll(institutions_visible_to(user)).select_related("institution", "sub_county")
    if q:
        qs = qs.filter(name__icontains=q[:100])
    return Paginator(qs.order_by("name", "id"), PAGE_SIZE).get_page(page)


@dataclass
class CapacityUse:
    sex: str
    band: str
    places: int
    occupied: int

    @property
    def vacancies(self) -> int:
        return max(self.places - self.occupied, 0)

    @property
    def over(self) -> bool:
        return self.occupied > self.places

    @property
    def label(self) -> str:
        sex = dict(CapacityRow.Sex.choices).get(self.sex, self.sex)
        band = _("any age") if self.band == CapacityRow.ANY else ages.band_label(self.band)
        return f"{sex}, {band}"


@dataclass
class Population:
    """An institution's roll on one day, by sex, age band and admission reason; its capacity."""

    institution: OrgUnit
    on: dt.date
    total: int = 0
    resident: int = 0
    on_leave: int = 0
    escaped: int = 0
    by_sex: dict[str, int] = field(default_factory=dict)
    by_band: dict[str, int] = field(default_factory=dict)
    by_sex_band: dict[tuple[str, str], int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)  # DCS code -> count
    reason_labels: dict[str, str] = field(default_factory=dict)
    capacity_rows: list[CapacityUse] = field(default_factory=list)
    admissions_month: int = 0
    discharges_month: int = 0
    is_open: bool = True

    @property
    def capacity(self) -> int:
        return sum(r.places for r in self.capacity_rows)

    @property
    def vacancies(self) -> int:
        return max(self.capacity - self.total, 0)

    @property
    def over_capacity(self) -> bool:
        if not self.capacity_rows:
            return False
        return self.total > self.capacity or any(r.over for r in self.capacity_rows)

    @property
    def bands(self) -> list[str]:
        return ages.band_keys(ages.DCS)

    def cell(self, sex: str, band: str) -> int:
        return self.by_sex_band.get((sex, band), 0)

    @property
    def table(self) -> list[tuple[str, list[int], int]]:
        """Rows (band label, counts per sex, total) for the page."""
        return [
            (ages.band_label(b), [self.cell(s, b) for s in SEXES], self.by_band.get(b, 0))
            for b in self.bands
            if self.by_band.get(b, 0) or b not in (ages.ADULT, ages.UNKNOWN)
        ]

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return sorted(((self.reason_labels[c], n) for c, n in self.by_reason.items()), key=lambda x: -x[1])


def _open_on(qs: QuerySet[Placement], on: dt.date) -> QuerySet[Placement]:
    return qs.filter(admitted_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def _status_then(on: dt.date) -> Subquery:
    return Subquery(
        StatusChange.objects.filter(placement=OuterRef("pk"), on__lte=on).order_by("-on", "-id").values("status")[:1]
    )


def _population(unit: OrgUnit, on: dt.date) -> Population:
    """The roll of ``unit`` on ``on`` (no scope check: callers check). Four queries."""
    pop = Population(institution=unit, on=on)
    rows = list(
        _open_on(Placement.objects.filter(institution=unit), on)
        .annotate(status_then=_status_then(on))
        .values(
            "child__sex",
            "child__date_of_birth",
            "admission_reason__code",
            "admission_reason__label",
            "admission_reason__label_sw",
            "status_then",
        )
    )
    profile = Institution.objects.filter(org_unit=unit).prefetch_related("capacity_rows").first()
    capacity = list(profile.capacity_rows.all()) if profile else []
    pop.is_open = bool(unit.is_active and (profile is None or profile.is_open))
    sexes: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    cells: Counter[tuple[str, str]] = Counter()
    reasons: Counter[str] = Counter()
    uses = [CapacityUse(sex=c.sex, band=c.band, places=c.places, occupied=0) for c in capacity]
    for row in rows:
        sex = row["child__sex"] or "unknown"
        band = ages.band_of(ages.DCS, ages.age_on(row["child__date_of_birth"], on))
        sexes[sex] += 1
        bands[band] += 1
        cells[(sex, band)] += 1
        reasons[row["admission_reason__code"]] += 1
        pop.reason_labels[row["admission_reason__code"]] = Code.pick_label(
            row["admission_reason__label"], row["admission_reason__label_sw"]
        )
        status = row["status_then"]
        if status == Placement.Status.ON_LEAVE:
            pop.on_leave += 1
        elif status == Placement.Status.ESCAPED:
            pop.escaped += 1
        else:
            pop.resident += 1
        for use in uses:
            if use.sex in (CapacityRow.ANY, sex) and use.band in (CapacityRow.ANY, band):
                use.occupied += 1
    pop.total = len(rows)
    pop.by_sex, pop.by_band, pop.by_sex_band, pop.by_reason = dict(sexes), dict(bands), dict(cells), dict(reasons)
    pop.capacity_rows = uses
    month = Period.containing("month", on)
    counts = Placement.objects.filter(institution=unit).aggregate(
        admissions=Count("pk", filter=Q(admitted_on__gte=month.start, admitted_on__lte=on)),
        discharges=Count("pk", filter=Q(ended_on__gte=month.start, ended_on__lte=on)),
    )
    pop.admissions_month, pop.discharges_month = counts["admissions"], counts["discharges"]
    return pop


def population(user: User, institution: OrgUnit, *, on: dt.date | None = None) -> Population:
    """The institution's population on ``on`` (default today) by sex, age band and admission
    reason, with capacity and vacancies. 404 if the user may not see the institution (aggregate
    figures: placement.view, orgunit.manage or report.view_aggregate over it)."""
    qs = OrgUnit.objects.filter(pk=institution.pk, kind__in=OrgUnit.INSTITUTION_KINDS)
    q = _institution_q(user)
    agg = scope.visible_q(user, OrgUnit, P.REPORT_VIEW_AGGREGATE)
    if agg is not None:
        q = agg if q is None else q | agg
    if q is None or not qs.filter(q).exists():
        raise Http404
    return _population(institution, on or timezone.localdate())


def _aggregate_placements(user: User) -> QuerySet[Placement]:
    """Placements whose *count* the user may know: placement.view or report.view_aggregate."""
    combined: Q | None = None
    for perm in (P.PLACEMENT_VIEW, P.REPORT_VIEW_AGGREGATE):
        q = scope.visible_q(user, Placement, perm)
        if q is not None:
            combined = q if combined is None else combined | q
    if combined is None:
        return Placement.objects.none()
    return Placement.objects.filter(combined)


def _care_in_area(user: User, area: Area | None, on: dt.date | None) -> QuerySet[Placement]:
    qs = _open_on(_aggregate_placements(user), on or timezone.localdate())
    if area is not None:
        if area.level == Area.Level.COUNTY:
            qs = qs.filter(county=area)
        elif area.level == Area.Level.SUB_COUNTY:
            qs = qs.filter(sub_county=area)
        else:
            qs = qs.filter(location=area)
    return qs


# Institutional care is told by the DCS care type (alternative_family_care_type_id): institutional
# care (AFIC) and places of safety (AFPS) happen in an institution; every other type (foster care,
# kinship, guardianship, kafaala, adoption, supported independent living) is family-based.
INSTITUTIONAL_Q = Q(care_type__code__in=sorted(INSTITUTION_CARE_TYPES))


def children_in_care(user: User, *, area: Area | None = None, on: dt.date | None = None) -> int:
    """Children in *institutional* care: placements of an institutional care type on the roll on
    ``on`` (default today) within the user's scope, optionally in a county or sub-county (where
    the child is placed). Family-based placements are counted by ``children_in_family_care``."""
    return _care_in_area(user, area, on).filter(INSTITUTIONAL_Q).count()


def children_in_family_care(user: Any, *, area: Area | None = None, on: dt.date | None = None) -> int:
    """Children in family-based alternative care (every care type that is not institutional) on
    ``on``, counted like ``children_in_care``."""
    return _care_in_area(user, area, on).exclude(INSTITUTIONAL_Q).count()


def care_counts(user: User, *, area: Area | None = None, on: dt.date | None = None) -> tuple[int, int]:
    """(children in institutional care, children in family-based care) on ``on``: one query."""
    sums = _care_in_area(user, area, on).aggregate(
        institutional=Count("pk", filter=INSTITUTIONAL_Q), family=Count("pk", filter=~INSTITUTIONAL_Q)
    )
    return sums["institutional"], sums["family"]


def return_labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy as lazy

    labels: dict[str, Any] = {
        "population_start": lazy("Children on the roll at the start of the month"),
        "admissions": lazy("Admissions in the month"),
        "transfers_in": lazy("of which transfers in"),
        "exits": lazy("Exits in the month (all)"),
        "discharged": lazy("Discharged"),
        "reintegrated": lazy("Reintegrated with family"),
        "transferred_out": lazy("Transferred to another institution"),
        "died": lazy("Died"),
        "escaped_end": lazy("Escaped and not found at the end of the month"),
        "population_end": lazy("Children on the roll at the end of the month"),
        "population_end_male": lazy("of whom boys"),
        "population_end_female": lazy("of whom girls"),
        "population_end_intersex": lazy("of whom intersex"),
        "capacity": lazy("Capacity (places)"),
        "vacancies": lazy("Vacancies at the end of the month"),
    }
    for band in ages.band_keys(ages.DCS):
        labels[f"population_end_age_{band}"] = lazy("aged %(band)s") % {"band": ages.band_label(band)}
    return labels


def institution_return_figures(institution: OrgUnit, period: Period) -> dict[str, int]:
    """What the monthly institution return pre-fills for ``period`` (a month): the roll at the
    start (end of the previous day) and end of the month, admissions and exits in the month.
    population_start + admissions − exits = population_end. No scope check: the returns workflow
    decides who sees a return."""
    start, end = period.start, period.end
    before = start - dt.timedelta(days=1)
    base = Placement.objects.filter(institution=institution)
    in_month = base.filter(ended_on__gte=start, ended_on__lte=end)
    counts = base.aggregate(
        admissions=Count("pk", filter=Q(admitted_on__gte=start, admitted_on__lte=end)),
        transfers_in=Count("pk", filter=Q(admitted_on__gte=start, admitted_on__lte=end, previous__isnull=False)),
        population_start=Count(
            "pk", filter=Q(admitted_on__lte=before) & (Q(ended_on__isnull=True) | Q(ended_on__gt=before))
        ),
    )
    exits = Counter(in_month.values_list("status", flat=True))
    pop = _population(institution, end)
    figures = {
        "population_start": counts["population_start"],
        "admissions": counts["admissions"],
        "transfers_in": counts["transfers_in"],
        "exits": sum(exits.values()),
        "discharged": exits.get(Placement.Status.DISCHARGED, 0),
        "reintegrated": exits.get(Placement.Status.REINTEGRATED, 0),
        "transferred_out": exits.get(Placement.Status.TRANSFERRED, 0),
        "died": exits.get(Placement.Status.DIED, 0),
        "escaped_end": pop.escaped,
        "population_end": pop.total,
        **{f"population_end_{s}": pop.by_sex.get(s, 0) for s in SEXES},
        **{f"population_end_age_{b}": pop.by_band.get(b, 0) for b in ages.band_keys(ages.DCS)},
        "capacity": pop.capacity,
        "vacancies": pop.vacancies,
    }
    return figures


# --- alerts and tasks -------------------------------------------------------------------------


@dataclass
class Alerts:
    expired: list[Placement]
    expiring: list[Placement]
    overdue_reviews: list[Review]
    escaped: list[Placement]
    over_capacity: list[OrgUnit]

    @property
    def count(self) -> int:
        return len(self.expired) + len(self.overdue_reviews) + len(self.escaped) + len(self.over_capacity)


def expired_orders(user: User, *, today: dt.date | None = None, perm: str = P.PLACEMENT_VIEW) -> QuerySet[Placement]:
    """Active placements whose order expired before today (expiring today is not yet expired)."""
    today = today or timezone.localdate()
    return placements_visible_to(user, perm).filter(ended_on__isnull=True, order_expires_on__lt=today)


def expiring_orders(
    user: User, *, today: dt.date | None = None, days: int = EXPIRING_DAYS, perm: str = P.PLACEMENT_VIEW
) -> QuerySet[Placement]:
    today = today or timezone.localdate()
    return placements_visible_to(user, perm).filter(
        ended_on__isnull=True, order_expires_on__gte=today, order_expires_on__lte=today + dt.timedelta(days=days)
    )


def overdue_reviews(user: User, *, today: dt.date | None = None, perm: str = P.PLACEMENT_VIEW) -> QuerySet[Review]:
    """Reviews not held whose due date is before today, on active placements in scope."""
    today = today or timezone.localdate()
    return Review.objects.filter(
        placement__in=placements_visible_to(user, perm).filter(ended_on__isnull=True),
        held_on__isnull=True,
        ended_on__isnull=True,
        due_on__lt=today,
    )


def escaped(user: User, perm: str = P.PLACEMENT_VIEW) -> QuerySet[Placement]:
    return placements_visible_to(user, perm).filter(ended_on__isnull=True, status=Placement.Status.ESCAPED)


def over_capacity_units(user: User) -> QuerySet[OrgUnit]:
    """Institutions in scope whose roll exceeds their declared capacity (total): the alerts page
    lists them, the home page counts them."""
    return _with_roll(institutions_visible_to(user)).filter(
        Q(capacity__gt=0) & Q(on_roll__gt=F("capacity"))  # annotations: as Q, which the type checker accepts
    )


def over_capacity(user: User) -> list[OrgUnit]:
    # Compared in SQL before the limit, so an institution late in the alphabet is not left out.
    return list(over_capacity_units(user).order_by("name")[:ALERT_LIMIT])


_ALERT_RELATED = ("child", "institution", "care_type", "case")


def alerts(user: User, *, today: dt.date | None = None) -> Alerts:
    """Everything the alerts page shows, in five queries."""
    today = today or timezone.localdate()
    return Alerts(
        expired=list(
            expired_orders(user, today=today).select_related(*_ALERT_RELATED).order_by("order_expires_on")[:ALERT_LIMIT]
        ),
        expiring=list(
            expiring_orders(user, today=today)
            .select_related(*_ALERT_RELATED)
            .order_by("order_expires_on")[:ALERT_LIMIT]
        ),
        overdue_reviews=list(
            overdue_reviews(user, today=today)
            .select_related("placement__child", "placement__institution", "placement__care_type")
            .order_by("due_on")[:ALERT_LIMIT]
        ),
        escaped=list(escaped(user).select_related(*_ALERT_RELATED).order_by("status_on")[:ALERT_LIMIT]),
        over_capacity=over_capacity(user),
    )


def _ref(p: Placement) -> str:
    return p.case.case_number if p.case_id and p.case else p.child.cpims_number


def _url(p: Placement) -> str:
    return reverse("care:placement_detail", kwargs={"public_id": p.public_id})


def care_tasks(user: User) -> list[Task]:
    """Task-list entries for placement managers: reviews due within two weeks (or overdue),
    orders expired or expiring within two weeks, escaped children, follow-ups due, institutions
    over capacity."""
    if not scope.has_perm(user, P.PLACEMENT_MANAGE):
        return []
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=TASK_HORIZON_DAYS)
    managed = placements_visible_to(user, P.PLACEMENT_MANAGE)
    reviews = Review.objects.filter(placement__in=managed.filter(ended_on__isnull=True))
    followups = FollowUp.objects.filter(placement__in=managed)
    return [
        *_review_tasks(user, reviews, today, horizon),
        *_order_tasks(user, managed, today, horizon),
        *_escaped_tasks(user, managed),
        *_followup_tasks(user, followups, horizon),
        *_capacity_tasks(user),
    ]


def my_care_tasks(user: User) -> list[Task]:
    """``care_tasks`` for the "my tasks" view: the reviews and follow-ups the user recorded and the
    placements the user made, read from the user's own rows (partial indexes
    ``carereview_pending_by``, ``carefollowup_pending_by``, ``placement_active_by``), each checked
    against the scope by its placement's primary key (an EXISTS), instead of every placement of
    the user's area. Over-capacity institutions are everyone's task: the same as ``care_tasks``."""
    if not scope.has_perm(user, P.PLACEMENT_MANAGE):
        return []
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=TASK_HORIZON_DAYS)
    in_scope = placements_visible_to(user, P.PLACEMENT_MANAGE).filter(pk=OuterRef("placement_id"))
    own_placements = Placement.objects.filter(created_by=user, ended_on__isnull=True).values("pk")
    reviews = Review.objects.filter(placement__ended_on__isnull=True).filter(
        Q(recorded_by=user, held_on__isnull=True, ended_on__isnull=True) | Q(placement__in=own_placements)
    )
    followups = FollowUp.objects.filter(
        Q(recorded_by=user, visited_on__isnull=True, ended_on__isnull=True)
        | Q(placement__in=Placement.objects.filter(created_by=user).values("pk"))
    )
    mine = Placement.objects.filter(created_by=user, ended_on__isnull=True).filter(
        Exists(placements_visible_to(user, P.PLACEMENT_MANAGE).filter(pk=OuterRef("pk")))
    )
    out = [
        *_review_tasks(user, reviews.filter(Exists(in_scope)), today, horizon),
        *_order_tasks(user, mine, today, horizon),
        *_escaped_tasks(user, mine),
        *_followup_tasks(user, followups.filter(Exists(in_scope)), horizon),
        *_capacity_tasks(user),
    ]
    return [t for t in out if t.mine]


def _review_tasks(user: User, rows: QuerySet[Review], today: dt.date, horizon: dt.date) -> list[Task]:
    reviews = (
        rows.filter(
            held_on__isnull=True,
            ended_on__isnull=True,
            due_on__lte=horizon,
        )
        .select_related("placement__child", "placement__case")
        .order_by("due_on", "id")[:TASK_LIMIT]
    )
    out: list[Task] = []
    for r in reviews:
        title = _("Review overdue: %(kind)s") if r.due_on < today else _("Review due: %(kind)s")
        out.append(
            Task(
                kind="care_review",
                title=title % {"kind": r.get_kind_display()},
                url=_url(r.placement),
                due_on=r.due_on,
                case_number=_ref(r.placement),
                mine=user.pk in (r.recorded_by_id, r.placement.created_by_id),
                source="care",
            )
        )
    return out


def _order_tasks(user: User, managed: QuerySet[Placement], today: dt.date, horizon: dt.date) -> list[Task]:
    orders = (
        managed.filter(ended_on__isnull=True, order_expires_on__lte=horizon)
        .select_related("child", "case")
        .order_by("order_expires_on", "id")[:TASK_LIMIT]
    )
    out: list[Task] = []
    for p in orders:
        if p.order_expires_on < today:
            title = _("Committal order expired: renew it or discharge the child")
        elif p.order_expires_on == today:
            title = _("Committal order expires today")
        else:
            title = _("Committal order expiring")
        out.append(
            Task(
                kind="care_order",
                title=title,
                url=_url(p),
                due_on=p.order_expires_on,
                case_number=_ref(p),
                mine=user.pk == p.created_by_id,
                source="care",
            )
        )
    return out


def _escaped_tasks(user: User, managed: QuerySet[Placement]) -> list[Task]:
    escaped_now = managed.filter(ended_on__isnull=True, status=Placement.Status.ESCAPED).select_related("child", "case")
    return [
        Task(
            kind="care_escaped",
            title=_("Escaped and not found: trace the child"),
            url=_url(p),
            due_on=p.status_on,
            case_number=_ref(p),
            mine=user.pk == p.created_by_id,
            source="care",
        )
        for p in escaped_now[:TASK_LIMIT]
    ]


def _followup_tasks(user: User, rows: QuerySet[FollowUp], horizon: dt.date) -> list[Task]:
    followups = (
        rows.filter(visited_on__isnull=True, ended_on__isnull=True, due_on__lte=horizon)
        .select_related("placement__child", "placement__case")
        .order_by("due_on", "id")[:TASK_LIMIT]
    )
    return [
        Task(
            kind="care_followup",
            title=_("Post-discharge follow-up due"),
            url=_url(f.placement),
            due_on=f.due_on,
            case_number=_ref(f.placement),
            mine=user.pk in (f.recorded_by_id, f.placement.created_by_id),
            source="care",
        )
        for f in followups
    ]


def _capacity_tasks(user: User) -> list[Task]:
    return [
        Task(
            kind="care_capacity",
            title=_("Over capacity: %(name)s (%(n)d children, %(places)d places)")
            % {"name": unit.name, "n": unit.on_roll, "places": unit.capacity},
            url=reverse("care:institution_detail", kwargs={"public_id": unit.public_id}),
            due_on=None,
            mine=True,
            source="care",
        )
        for unit in over_capacity(user)
        if scope.can(user, P.PLACEMENT_MANAGE, unit)
    ]


# --- the child's timeline and the case page ---------------------------------------------------


def has_placements() -> Exists:
    """For the child's page (registry.queries.register_profile_flag): whether the child was ever
    placed, read with the child, so ``child_timeline`` costs no query for a child never in care."""
    return Exists(Placement.objects.filter(child=OuterRef("pk")))


def child_timeline(user: User, person: Any) -> list[Any]:
    """Every placement of ``person`` the viewer may see, as timeline entries: admission and each
    status change, reviews held and follow-up visits. One query (a UNION of the three), none for
    a child never placed."""
    from cpims.registry.queries import profile_has

    if not scope.has_perm(user, P.PLACEMENT_VIEW) or not profile_has(person, "placements"):
        return []
    visible = placements_visible_to(user).filter(child=person).values("pk")
    placement_cols = (
        "placement__public_id",
        "placement__admitted_on",
        "placement__institution__name",
        "placement__caregiver_name",
        "placement__care_type__label",
        "placement__care_type__label_sw",
        "placement__admission_type__label",
        "placement__admission_type__label_sw",
    )
    changes = (
        StatusChange.objects.filter(placement__in=visible)
        .annotate(row=Value("status"), label=F("discharge_type__label"), label_sw=F("discharge_type__label_sw"))
        .values_list("row", "on", "id", "status", "label", "label_sw", *placement_cols)
        .order_by()
    )
    reviews = (
        Review.objects.filter(placement__in=visible, held_on__isnull=False)
        .annotate(row=Value("review"), label=Value(""), label_sw=Value(""))
        .values_list("row", "held_on", "id", "kind", "label", "label_sw", *placement_cols)
        .order_by()
    )
    visits = (
        FollowUp.objects.filter(placement__in=visible, visited_on__isnull=False)
        .annotate(row=Value("followup"), label=Value(""), label_sw=Value(""))
        .values_list("row", "visited_on", "id", "outcome", "label", "label_sw", *placement_cols)
        .order_by()
    )
    rows = sorted(changes.union(reviews, visits, all=True), key=lambda r: (r[1], r[0] != "status", r[2]))
    return _timeline_entries(rows[:300])


def _timeline_entries(rows: list[tuple[Any, ...]]) -> list[Any]:
    """The timeline entries of ``child_timeline``'s rows, in date order: a placement's first row
    also gives its admission (the first status change, "resident" on the admission day, is that
    admission itself)."""
    from cpims.registry.queries import TimelineEntry

    statuses = dict(Placement.Status.choices)
    kinds, outcomes = dict(Review.Kind.choices), dict(FollowUp.Outcome.choices)
    entries: list[Any] = []
    admitted: set[Any] = set()
    for row, on, _id, value, label, label_sw, public_id, admitted_on, inst, caregiver, *types in rows:
        label = Code.pick_label(label, label_sw)
        care_type, adm_type = Code.pick_label(types[0], types[1]), Code.pick_label(types[2], types[3])
        url = reverse("care:placement_detail", kwargs={"public_id": public_id})
        where = inst or caregiver or care_type
        if row == "status":
            if public_id not in admitted:
                admitted.add(public_id)
                entries.append(
                    TimelineEntry(
                        on=admitted_on,
                        kind="placement",
                        title=_("Admitted to %(where)s") % {"where": where},
                        detail=f"{care_type} · {adm_type}",
                        url=url,
                    )
                )
                if value == Placement.Status.RESIDENT and on == admitted_on:
                    continue
            entries.append(
                TimelineEntry(
                    on=on,
                    kind="placement",
                    title=_("Care: %(status)s") % {"status": statuses.get(value, value)},
                    detail=label or where,
                    url=url,
                )
            )
        elif row == "review":
            entries.append(
                TimelineEntry(
                    on=on,
                    kind="placement",
                    title=_("Care review held: %(kind)s") % {"kind": kinds.get(value, value)},
                    detail=where,
                    url=url,
                )
            )
        else:
            entries.append(
                TimelineEntry(
                    on=on,
                    kind="placement",
                    title=_("Post-discharge follow-up"),
                    detail=str(outcomes.get(value, value)),
                    url=url,
                )
            )
    return entries


@dataclass
class CaseCare:
    case: Any
    placements: list[Placement]
    can_admit: bool


def case_care(user: User, case: Any) -> CaseCare:
    """Placements of the case's child that the viewer may see (most recent first)."""
    placements: list[Placement] = []
    if scope.has_perm(user, P.PLACEMENT_VIEW) and case_has(case, "child_placements"):
        placements = list(
            placements_visible_to(user)
            .filter(child_id=case.child_id)
            .select_related("institution", "care_type", "case")
            .prefetch_related(Prefetch("reviews", queryset=Review.objects.order_by("due_on", "id")))
            .order_by("-admitted_on", "-id")[:20]
        )
    return CaseCare(case=case, placements=placements, can_admit=scope.has_perm(user, P.PLACEMENT_MANAGE))


def has_child_placements() -> Exists:
    """For the case page (the flag ``child_placements``): whether the case's child was ever placed."""
    return Exists(Placement.objects.filter(child_id=OuterRef("child_id")))


def case_page_panel(user: User, case: Any) -> Panel | None:
    """The care section of the case page (registered with cpims.cases.panels)."""
    if not scope.has_perm(user, P.PLACEMENT_VIEW):
        return None
    return Panel("care/_case_panel.html", {"care": case_care(user, case)})

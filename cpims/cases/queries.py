"""Every read of cases that a view, API, export or report uses, starting from the scope rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases import panels, workflow
from cpims.cases.models import (
    EMERGENCY_PERMS,
    Case,
    CaseAccess,
    CaseCategory,
    CaseClosure,
    CaseEvent,
    CasePlan,
    CasePlanGoal,
    FollowUp,
    Perpetrator,
    ServiceRecord,
)
from cpims.cases.tasks import Task, register_task_source
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit
from cpims.registry import queries as registry_queries

PAGE_SIZE = 25
UPCOMING_DAYS = 14
TIMELINE_LIMIT = 50


def cases_visible_to(user: User, perm: str = P.CASE_VIEW) -> QuerySet[Case]:
    return scope.restrict(user, Case.objects.all(), perm)


def reachable_case_ids(user: User, perm: str, case_ids: Iterable[int], *, open_only: bool = False) -> set[int]:
    """Which of ``case_ids`` the user may act on with ``perm`` (optionally only open cases), asked
    by primary key. For "my tasks": a user's own rows first, then the scope of their cases alone;
    in one query with an EXISTS, PostgreSQL tested the scope by scanning every case of the area."""
    ids = set(case_ids)
    if not ids:
        return set()
    rows = cases_visible_to(user, perm).filter(pk__in=ids)
    if open_only:
        rows = rows.exclude(status=Case.Status.CLOSED)
    return set(rows.values_list("pk", flat=True))


def case_for(user: User, public_id: Any, *, write: str | Sequence[str] | None = None) -> Case:
    """One case through the scope rules: 404 outside scope, 403 when ``write`` is not held."""
    return scope.get_for(
        user,
        Case.objects.select_related("child", "office", "county", "sub_county"),
        view=P.CASE_VIEW,
        write=write,
        public_id=public_id,
    )


def audit_view(user: User, case: Case, *, request: HttpRequest | None = None, via: str = "web") -> None:
    audit_record(
        actor=user, action="case.view", obj=case, object_label=case.case_number, request=request, details={"via": via}
    )


def can_see_sensitive(user: User, case: Case) -> bool:
    return scope.can(user, P.CASE_VIEW_SENSITIVE, case)


# --- the case list --------------------------------------------------------------------------------


@dataclass
class CaseFilters:
    status: str = ""
    category: Any = None  # a case_category_id Code
    office: Any = None  # an OrgUnit
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None
    ward: Any = None  # an Area (level ward): where it happened (Sheet A "ward")
    mine: bool = False  # opened by the user
    open_only: bool = False  # not closed


def _categories_prefetch() -> Prefetch:
    return Prefetch("categories", queryset=CaseCategory.objects.select_related("category").order_by("id"))


def case_list(user: User, filters: CaseFilters, *, page: int = 1) -> Page:
    """A page of the cases ``user`` may see, newest report first. Constant queries: count, page,
    categories of the page."""
    qs = cases_visible_to(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(created_by=user)
    if filters.open_only:
        qs = qs.exclude(status=Case.Status.CLOSED)
    if filters.category is not None:
        qs = qs.filter(pk__in=CaseCategory.objects.filter(category=filters.category).values("case_id"))
    if filters.office is not None:
        qs = qs.filter(office=filters.office)
    if filters.ward is not None:
        qs = qs.filter(event_ward=filters.ward)
    if filters.reported_from:
        qs = qs.filter(reported_on__gte=filters.reported_from)
    if filters.reported_to:
        qs = qs.filter(reported_on__lte=filters.reported_to)
    qs = (
        qs.select_related("child", "office")
        .only(
            "public_id",
            "case_number",
            "status",
            "reported_on",
            "child__public_id",
            "child__first_name",
            "child__last_name",
            "child__cpims_number",
            "office__name",
        )
        .prefetch_related(_categories_prefetch())
        .order_by("-reported_on", "-id")
    )
    return Paginator(qs, PAGE_SIZE).get_page(page)


def ward_choices(user: User, office: Any = None) -> QuerySet[Any]:
    """Wards the case-list filter offers: those of the chosen office's sub-county, else those
    under the areas of the user's case.view grants (a sub-county's or a county's wards). A
    national grant offers none until an office is chosen: 1,450 wards are no list for a phone."""
    from cpims.geo.models import Area

    wards = Area.objects.filter(level=Area.Level.WARD).order_by("name")
    if office is not None and getattr(office, "sub_county_id", None):
        return wards.filter(sub_county_id=office.sub_county_id)
    grants = scope.grants_for(user).with_perm(P.CASE_VIEW)
    if not grants or any(g.scope == "national" for g in grants):
        return wards.none()
    q = Q()
    for g in grants:
        if g.sub_county_id:
            q |= Q(sub_county_id=g.sub_county_id)
        elif g.county_id:
            q |= Q(county_id=g.county_id)
    return wards.filter(q) if q else wards.none()


# --- the case page --------------------------------------------------------------------------------


@dataclass
class CasePage:
    case: Case
    categories: list[CaseCategory]
    perpetrators: list[Any]
    immediate_needs: list[Any]
    long_term_needs: list[Any]
    events: list[CaseEvent]
    services: list[ServiceRecord]
    plan: CasePlan | None
    goals: list[CasePlanGoal]
    followups: list[FollowUp]
    pending_closure: CaseClosure | None
    access: list[CaseAccess]
    transitions: list[workflow.Transition]
    sensitive: bool
    can_update: bool
    can_record_service: bool
    can_open_child: bool = False  # a case shared by referral need not open the child's registry record
    tasks: list[Task] = field(default_factory=list)
    older_than: int | None = None  # the id to page on from ("show older"), None when all are shown
    event_place: str = ""


# Joined to the case on its page. Every further join multiplies PostgreSQL's planning of the
# query (with the scope and permission subqueries): with the case's codes, places and the panels'
# tracks joined too (26 tables) planning took ~90 ms at any scale, against ~4 ms for these.
_PAGE_RELATED = ("child", "office", "plan")
# The case's codes, read in the same query as its needs (``_codes_and_needs``).
_PAGE_CODES = ("reporter_type", "risk_level", "family_status", "household_economics", "closure_outcome")
# Where it happened: the names only, as scalar subqueries (planned on their own, no join).
_PAGE_PLACES = ("event_ward", "event_sub_county", "event_county")
_PLACE_PREFIX = "cpims_place_"


# Sections of the case page a case often has none of: one EXISTS column each, read with the case
# (``case_for_page``), so ``case_page`` skips the query of an empty one (``panels.case_has``).
_PAGE_FLAGS: dict[str, Any] = {
    "perpetrators": lambda: Exists(Perpetrator.objects.filter(case=OuterRef("pk"))),
    "immediate_needs": lambda: Exists(Case.immediate_needs.through.objects.filter(case_id=OuterRef("pk"))),
    "long_term_needs": lambda: Exists(Case.long_term_needs.through.objects.filter(case_id=OuterRef("pk"))),
    "followups": lambda: Exists(FollowUp.objects.filter(case=OuterRef("pk"))),
    "services": lambda: Exists(ServiceRecord.objects.filter(case=OuterRef("pk"))),
    "access": lambda: Exists(CaseAccess.objects.active().filter(case=OuterRef("pk"))),
    "pending_closure": lambda: Exists(
        CaseClosure.objects.filter(case=OuterRef("pk"), decision=CaseClosure.Decision.PENDING)
    ),
}


def case_for_page(user: User, public_id: Any) -> Case:
    """The case for its page, through the scope rules (404 outside scope), fetched once with what
    the page and the other apps' panels read: its child, office and plan, the names of the places
    where it happened, its categories (panels that ask about categories use
    ``case_has_category``, which costs no query then), one EXISTS column per section that is often
    empty (``panels.case_has``), and the answers to every ``scope.can`` the page and its panels
    ask (over the case and its office, remembered for the request; see ``scope.get_for``)."""
    flags = {f"{panels.FLAG_PREFIX}{name}": expression() for name, expression in _PAGE_FLAGS.items()}
    return scope.get_for(
        user,
        Case.objects.select_related(*_PAGE_RELATED)
        .annotate(
            **{
                f"{_PLACE_PREFIX}{name}": Subquery(Area.objects.filter(pk=OuterRef(f"{name}_id")).values("name")[:1])
                for name in _PAGE_PLACES
            },
            **flags,
            **panels.page_flags(),
        )
        .prefetch_related(
            Prefetch(
                "categories",
                queryset=CaseCategory.objects.select_related(
                    "category", "sub_category", "nature", "place_of_event", "intervention"
                ).order_by("id"),
            ),
        ),
        view=P.CASE_VIEW,
        prime=PAGE_PERMS,
        prime_related={"office": [P.CASE_TRANSFER]},
        public_id=public_id,
    )


def case_has_category(case: Case, codes: Any) -> bool:
    """True if one of ``case``'s categories has a DCS code in ``codes``: read from the categories
    ``case_for_page`` prefetched (no query: the panels on the case page share them), else one query."""
    prefetched = getattr(case, "_prefetched_objects_cache", {}).get("categories")
    if prefetched is not None:
        return any(c.category.code in codes for c in prefetched)
    return CaseCategory.objects.filter(case=case, category__code__in=list(codes)).exists()


def _codes_and_needs(case: Case) -> tuple[list[Code], list[Code]]:
    """The case's immediate and long-term needs, and its own codes (reporter, risk, family,
    household, closure outcome: attached to the case, so reading them costs no query), in one
    query; the needs are skipped when the case page read that the case has none."""
    fields = [Case._meta.get_field(name) for name in _PAGE_CODES]
    code_fields = [f for f in fields if isinstance(f, models.ForeignKey)]
    ids = {getattr(case, f.attname) for f in code_fields} - {None}
    needs = panels.case_has(case, "immediate_needs") or panels.case_has(case, "long_term_needs")
    rows: list[Code] = []
    if needs:
        immediate = Case.immediate_needs.through.objects.filter(case_id=case.pk, code_id=OuterRef("pk"))
        long_term = Case.long_term_needs.through.objects.filter(case_id=case.pk, code_id=OuterRef("pk"))
        rows = list(
            Code.objects.annotate(is_immediate=Exists(immediate), is_long_term=Exists(long_term)).filter(
                Q(is_immediate=True) | Q(is_long_term=True) | Q(pk__in=ids)
            )
        )
    elif ids:
        rows = list(Code.objects.filter(pk__in=ids))
    by_id = {c.pk: c for c in rows}
    for fk in code_fields:
        fk.set_cached_value(case, by_id.get(getattr(case, fk.attname)))
    if not needs:
        return [], []
    return [c for c in rows if c.is_immediate], [c for c in rows if c.is_long_term]  # type: ignore[attr-defined]


def _event_place(case: Case) -> str:
    """Where it happened (ward, sub-county, county, village, detail): the area names
    ``case_for_page`` read with the case."""
    names = [getattr(case, f"{_PLACE_PREFIX}{name}", None) for name in _PAGE_PLACES]
    return " ".join(p for p in [*names, case.event_village, case.event_place_detail] if p)


def _can_open_child(user: User, case: Case) -> bool:
    """Whether the viewer may open the child's registry record (a case shared by referral need
    not open it): decided from the child's row, read with the case, where its area or registering
    unit is within the viewer's grants; else one query through the registry's scope."""
    if not case.child.is_active:
        return False  # merged into another record: not listed by the registry either
    answer = scope.answer_from_row(user, case.child, P.CHILD_VIEW)
    if answer is not None:
        return answer
    return registry_queries.people_visible_to(user).filter(pk=case.child_id).exists()


def _plan_of(case: Case) -> CasePlan | None:
    try:
        return case.plan  # selected with the case by case_for_page: no query
    except CasePlan.DoesNotExist:
        return None


# What the case page itself and the panels of other apps ask ``scope.can`` over the case.
PANEL_PERMS = frozenset({P.CASE_VIEW_SENSITIVE, P.SERVICE_RECORD, P.CASE_UPDATE, P.CASE_REFER, P.CASE_TRANSFER})
PAGE_PERMS = frozenset({t.perm for t in workflow.TRANSITIONS.values()} | PANEL_PERMS)


def _pending_closure(case: Case) -> CaseClosure | None:
    if not panels.case_has(case, "pending_closure"):
        return None
    return (
        CaseClosure.objects.filter(case=case, decision=CaseClosure.Decision.PENDING).select_related("outcome").first()
    )


def case_page(user: User, case: Case) -> CasePage:
    """Everything the case page shows, in a fixed number of queries (``case`` from ``case_for_page``:
    the sections it read as empty cost none)."""
    categories = list(case.categories.all())
    perpetrators = (
        list(case.perpetrators.select_related("relationship")) if panels.case_has(case, "perpetrators") else []
    )
    events, older = timeline_page(case)
    services = (
        list(case.services.select_related("service", "provider").order_by("-given_on", "-id"))
        if panels.case_has(case, "services")
        else []
    )
    plan = _plan_of(case)
    immediate_needs, long_term_needs = _codes_and_needs(case)
    goals = list(plan.goals.select_related("domain", "responsible_unit")) if plan else []
    followups = list(case.followups.select_related("assigned_to")) if panels.case_has(case, "followups") else []
    pending = _pending_closure(case)
    access = access_of(case) if panels.case_has(case, "access") else []
    # The page's permissions and those the registered panels ask (scope.can over the case then
    # answers from the request's memo): read with the case by case_for_page, else one query.
    perms = scope.prime(user, case, PAGE_PERMS)
    # The same rule the actions apply (workflow.check + workflow.guard): a button only when its POST would succeed.
    transitions = workflow.allowed(user, case, workflow.Situation.of(plan, len(goals), pending), perms)
    today = timezone.localdate()
    tasks = [
        Task(
            kind="followup",
            title=f.purpose,
            url="#followups",
            due_on=f.due_on,
            case_number=case.case_number,
        )
        for f in followups
        if f.done_on is None and f.ended_on is None and f.due_on <= today + dt.timedelta(days=UPCOMING_DAYS)
    ]
    return CasePage(
        case=case,
        categories=categories,
        perpetrators=perpetrators,
        immediate_needs=immediate_needs,
        long_term_needs=long_term_needs,
        events=events,
        services=services,
        plan=plan,
        goals=goals,
        followups=followups,
        pending_closure=pending,
        access=access,
        transitions=transitions,
        sensitive=perms[P.CASE_VIEW_SENSITIVE],
        can_update=perms[P.CASE_UPDATE],
        can_record_service=perms[P.SERVICE_RECORD],
        can_open_child=_can_open_child(user, case),
        tasks=tasks,
        older_than=older,
        event_place=_event_place(case),
    )


def timeline_page(
    case: Case, before: int | None = None, limit: int = TIMELINE_LIMIT
) -> tuple[list[CaseEvent], int | None]:
    """Up to ``limit`` timeline rows of ``case``, newest first, older than the event ``before``
    (keyset paging: rows added meanwhile never shift a page), and the id to ask for the next
    page from (None on the last page). Two queries with ``before``, one without."""
    events = case.events.select_related("actor").order_by("-at", "-id")
    if before is not None:
        anchor = case.events.filter(pk=before).values("at", "id").first()
        if anchor is None:
            return [], None
        events = events.filter(Q(at__lt=anchor["at"]) | Q(at=anchor["at"], id__lt=anchor["id"]))
    rows = list(events[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].pk if more and rows else None)


def open_cases_of(user: User, child: Any) -> list[Case]:
    """The child's open cases the user may see (the duplicate / open-case warning)."""
    return list(
        cases_visible_to(user)
        .filter(child=child)
        .exclude(status=Case.Status.CLOSED)
        .select_related("office")
        .order_by("-reported_on")[:10]
    )


# --- services -------------------------------------------------------------------------------------


def person_access(units: list[int], perm: str) -> QuerySet[Any]:
    """For the registry (register_person_access): children of cases shared with one of ``units``.
    An accepted referral or a pending transfer gives the unit access to the case, and the child is
    what the unit serves."""
    return CaseAccess.objects.active().filter(org_unit__in=units, user__isnull=True).values("case__child_id")


def person_user_access(user: Any, perm: str) -> QuerySet[Any] | None:
    """For the registry (register_person_user_access): children of cases opened to ``user`` alone
    (emergency access), for reading only."""
    if perm not in EMERGENCY_PERMS or not getattr(user, "pk", None):
        return None
    return CaseAccess.objects.active().filter(user=user.pk).values("case__child_id")


def access_of(case: Case) -> list[CaseAccess]:
    """Who has access to this case through a grant, and why (the case page, the API): grants in
    force now, oldest first."""
    return list(
        CaseAccess.objects.active()
        .filter(case=case)
        .select_related("org_unit", "user", "consent", "granted_by")
        .order_by("granted_at", "id")
    )


def services_visible_to(user: User) -> QuerySet[ServiceRecord]:
    return scope.restrict(user, ServiceRecord.objects.all(), P.CASE_VIEW) | scope.restrict(
        user, ServiceRecord.objects.all(), P.SERVICE_RECORD
    )


def services_for_child(user: User, child: Any) -> list[ServiceRecord]:
    """Every service any actor gave ``child``, if ``user`` may see the child (child.view) or one
    of the child's cases; otherwise the services the user's own scope reaches. For the child's
    profile; newest first."""
    base = ServiceRecord.objects.filter(child=child).select_related("service", "provider", "case")
    if scope.can(user, P.CHILD_VIEW, child) or cases_visible_to(user).filter(child=child).exists():
        return list(base.order_by("-given_on", "-id"))
    return list(scope.restrict(user, base, P.SERVICE_RECORD).order_by("-given_on", "-id"))


# --- tasks from this app --------------------------------------------------------------------------


def _case_url(case: Case) -> str:
    return reverse("cases:case_detail", kwargs={"public_id": case.public_id})


def open_followups(user: User) -> QuerySet[FollowUp]:
    """Follow-ups neither done nor ended, on open cases the user may work on (case.update). The
    task list and the home page's overdue count both start here (partial indexes on both)."""
    return FollowUp.objects.filter(
        done_on__isnull=True,
        ended_on__isnull=True,  # ended when the case closed; a reopened case does not revive them
        case__in=cases_visible_to(user, P.CASE_UPDATE).exclude(status=Case.Status.CLOSED),
    )


def plans_to_approve(user: User) -> QuerySet[CasePlan]:
    """Submitted plans the user may approve (never their own submission)."""
    return CasePlan.objects.filter(
        status=CasePlan.Status.SUBMITTED, case__in=cases_visible_to(user, P.CASE_APPROVE_PLAN)
    ).exclude(submitted_by=user)


def closures_to_approve(user: User) -> QuerySet[CaseClosure]:
    """Proposed closures the user may approve (never their own proposal)."""
    return CaseClosure.objects.filter(
        decision=CaseClosure.Decision.PENDING, case__in=cases_visible_to(user, P.CASE_APPROVE_CLOSURE)
    ).exclude(proposed_by=user)


def _followup_task(user: User, f: FollowUp) -> Task:
    return Task(
        kind="followup",
        title=_("Follow-up: %(purpose)s") % {"purpose": f.purpose},
        url=_case_url(f.case),
        due_on=f.due_on,
        case_number=f.case.case_number,
        mine=f.assigned_to_id == user.pk,
        source="cases",
    )


def _followup_rows(rows: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    horizon = timezone.localdate() + dt.timedelta(days=UPCOMING_DAYS)
    return (
        rows.filter(due_on__lte=horizon)
        .select_related("case")
        .only("purpose", "due_on", "assigned_to_id", "case__public_id", "case__case_number")
        .order_by("due_on")[:200]
    )


def my_open_followups(user: User) -> QuerySet[FollowUp]:
    """``open_followups`` assigned to ``user``: read from the user's own follow-ups (partial index
    ``followup_open_assignee``), then the scope of their cases alone (``reachable_case_ids``: 80 ->
    3 + 5 ms at 200,000 cases; docs/performance.md, session 12)."""
    own = FollowUp.objects.filter(assigned_to=user, done_on__isnull=True, ended_on__isnull=True)
    reachable = reachable_case_ids(user, P.CASE_UPDATE, own.values_list("case_id", flat=True), open_only=True)
    return own.filter(case_id__in=sorted(reachable))


def my_followup_tasks(user: User) -> list[Task]:
    """``followup_tasks`` for the "my tasks" view: the user's own follow-ups only."""
    return [_followup_task(user, f) for f in _followup_rows(my_open_followups(user))]


@register_task_source
def followup_tasks(user: User) -> list[Task]:
    """Open follow-ups overdue or due within two weeks, on cases the user may work on."""
    return [_followup_task(user, f) for f in _followup_rows(open_followups(user))]


register_task_source(followup_tasks, mine=my_followup_tasks)


@register_task_source
def approval_tasks(user: User) -> list[Task]:
    """Plans and closures awaiting approval that the user may approve (not their own)."""
    out: list[Task] = []
    if scope.has_perm(user, P.CASE_APPROVE_PLAN):
        plans = plans_to_approve(user).select_related("case")[:200]
        out += [
            Task(
                kind="plan_approval",
                title=_("Case plan awaiting approval"),
                url=_case_url(p.case),
                due_on=p.submitted_at.date() if p.submitted_at else None,
                case_number=p.case.case_number,
                source="cases",
            )
            for p in plans
        ]
    if scope.has_perm(user, P.CASE_APPROVE_CLOSURE):
        closures = closures_to_approve(user).select_related("case")[:200]
        out += [
            Task(
                kind="closure_approval",
                title=_("Closure awaiting approval"),
                url=_case_url(c.case),
                due_on=c.created_at.date(),
                case_number=c.case.case_number,
                source="cases",
            )
            for c in closures
        ]
    return out


def sub_categories(category: Code | None) -> QuerySet[Code]:
    """The sub-categories of ``category`` (its DCS sub-list); none without a category."""
    if category is None or category.sub_list_id is None:
        return Code.objects.none()
    return Code.objects.filter(code_list_id=category.sub_list_id, is_active=True).order_by("order", "label")


def sub_category_choices(raw_category: str) -> QuerySet[Code]:
    """The active sub-categories of the case category whose id is ``raw_category`` (reference
    data, no personal data); none for anything else."""
    raw = (raw_category or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
        return Code.objects.none()
    category = Code.objects.filter(pk=int(raw), code_list__name="case_category_id", is_active=True).first()
    return sub_categories(category)


# --- emergency access (break-the-glass) -----------------------------------------------------------

EMERGENCY_TASK_DAYS = 3


def emergency_accesses_for(user: User) -> QuerySet[CaseAccess]:
    """Emergency accesses a supervisor or the data protection officer answers for
    (``child.access_log``): those taken from a unit within their grants, or on a case within
    them; newest first. The caller checks the permission (403)."""
    units = scope.restrict(user, OrgUnit.objects.all(), P.CHILD_ACCESS_LOG).values("pk")
    cases = cases_visible_to(user, P.CHILD_ACCESS_LOG).values("pk")
    return (
        CaseAccess.objects.filter(basis=CaseAccess.Basis.EMERGENCY)
        .filter(Q(org_unit__in=units) | Q(case__in=cases))
        .select_related("case", "org_unit", "user")
        .order_by("-granted_at", "-id")
    )


def case_by_number(number: str) -> Case | None:
    """A case by its number, whoever holds it: only for the emergency-access form, whose user
    holds ``case.emergency_access`` and whose every use is audited."""
    text = " ".join((number or "").split()).upper()
    if not text or len(text) > 60:
        return None
    return Case.objects.select_related("child", "office").filter(case_number=text).first()


@register_task_source
def emergency_access_tasks(user: User) -> list[Task]:
    """Supervisors: the emergency accesses of the last days taken by others, to review."""
    if not scope.has_perm(user, P.CHILD_ACCESS_LOG):
        return []
    since = timezone.now() - dt.timedelta(days=EMERGENCY_TASK_DAYS)
    rows = emergency_accesses_for(user).filter(granted_at__gte=since).exclude(user=user)[:50]
    url = reverse("cases:emergency_access_list")
    return [
        Task(
            kind="emergency_access",
            title=_("Emergency access by %(user)s (%(unit)s): review the reason")
            % {"user": a.user.get_username() if a.user else "-", "unit": a.org_unit.name},
            url=url,
            due_on=timezone.localdate(a.granted_at),
            case_number=a.case.case_number,
            source="cases",
        )
        for a in rows
    ]

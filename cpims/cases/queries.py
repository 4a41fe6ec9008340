"""Every read of cases that a view, API, export or report uses, starting from the scope rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases import workflow
from cpims.cases.models import (
    Case,
    CaseAccess,
    CaseCategory,
    CaseClosure,
    CaseEvent,
    CasePlan,
    CasePlanGoal,
    FollowUp,
    ServiceRecord,
)
from cpims.cases.tasks import Task, register_task_source
from cpims.core.models import Code
from cpims.registry import queries as registry_queries

PAGE_SIZE = 25
UPCOMING_DAYS = 14
TIMELINE_LIMIT = 50


def cases_visible_to(user: User, perm: str = P.CASE_VIEW) -> QuerySet[Case]:
    return scope.restrict(user, Case.objects.all(), perm)


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


def case_page(user: User, case: Case) -> CasePage:
    """Everything the case page shows, in a fixed number of queries."""
    case = (
        Case.objects.select_related(
            "child",
            "office",
            "reporter_type",
            "risk_level",
            "family_status",
            "household_economics",
            "event_county",
            "event_sub_county",
            "event_ward",
            "closure_outcome",
        )
        .prefetch_related("immediate_needs", "long_term_needs")
        .get(pk=case.pk)
    )
    categories = list(
        case.categories.select_related("category", "sub_category", "nature", "place_of_event", "intervention")
    )
    perpetrators = list(case.perpetrators.select_related("relationship"))
    events, older = timeline_page(case)
    services = list(case.services.select_related("service", "provider").order_by("-given_on", "-id"))
    plan = CasePlan.objects.filter(case=case).first()
    goals = list(plan.goals.select_related("domain", "responsible_unit")) if plan else []
    followups = list(case.followups.select_related("assigned_to"))
    pending = (
        CaseClosure.objects.filter(case=case, decision=CaseClosure.Decision.PENDING).select_related("outcome").first()
    )
    access = list(case.access.filter(revoked_at__isnull=True).select_related("org_unit"))
    perms = {perm: scope.can(user, perm, case) for perm in {t.perm for t in workflow.TRANSITIONS.values()}}
    perms[P.CASE_VIEW_SENSITIVE] = scope.can(user, P.CASE_VIEW_SENSITIVE, case)
    perms[P.SERVICE_RECORD] = scope.can(user, P.SERVICE_RECORD, case)
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
        immediate_needs=list(case.immediate_needs.all()),
        long_term_needs=list(case.long_term_needs.all()),
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
        can_open_child=registry_queries.people_visible_to(user).filter(pk=case.child_id).exists(),
        tasks=tasks,
        older_than=older,
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
    return CaseAccess.objects.filter(org_unit__in=units, revoked_at__isnull=True).values("case__child_id")


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


@register_task_source
def followup_tasks(user: User) -> list[Task]:
    """Open follow-ups overdue or due within two weeks, on cases the user may work on."""
    horizon = timezone.localdate() + dt.timedelta(days=UPCOMING_DAYS)
    rows = (
        open_followups(user)
        .filter(due_on__lte=horizon)
        .select_related("case")
        .only("purpose", "due_on", "assigned_to_id", "case__public_id", "case__case_number")
        .order_by("due_on")[:200]
    )
    return [
        Task(
            kind="followup",
            title=_("Follow-up: %(purpose)s") % {"purpose": f.purpose},
            url=_case_url(f.case),
            due_on=f.due_on,
            case_number=f.case.case_number,
            mine=f.assigned_to_id == user.pk,
            source="cases",
        )
        for f in rows
    ]


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

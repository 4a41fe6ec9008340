"""Every read of court records, starting from the scope rules (cpims.accounts.scope).

A case's *pending court date* is the next date set at its latest session (by date of session,
then by when it was recorded): recording the session held on that date (or any later one) takes
it off the diary. A pending date still ahead is *upcoming*; one already past is *missed* (nobody
recorded what happened).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import Case
from cpims.cases.panels import Panel, case_has
from cpims.cases.queries import reachable_case_ids
from cpims.cases.tasks import Task
from cpims.court.models import CourtOrder, CourtSession, Summons

PAGE_SIZE = 25
TASK_HORIZON_DAYS = 14
TASK_LIMIT = 200

UPCOMING = "upcoming"
MISSED = "missed"


def sessions_visible_to(user: User, perm: str = P.CASE_VIEW) -> QuerySet[CourtSession]:
    return scope.restrict(user, CourtSession.objects.all(), perm)


def summonses_visible_to(user: User, perm: str = P.CASE_VIEW) -> QuerySet[Summons]:
    return scope.restrict(user, Summons.objects.all(), perm)


def orders_visible_to(user: User, perm: str = P.CASE_VIEW) -> QuerySet[CourtOrder]:
    return scope.restrict(user, CourtOrder.objects.all(), perm)


def session_for(user: User, public_id: Any, *, write: str | None = None) -> CourtSession:
    """One session through the scope rules: 404 outside scope, 403 without ``write`` over it."""
    return scope.get_for(
        user,
        CourtSession.objects.select_related("case", "court", "session_type", "plea", "outcome"),
        view=P.CASE_VIEW,
        write=write,
        public_id=public_id,
    )


def summons_for(user: User, public_id: Any, *, write: str | None = None) -> Summons:
    return scope.get_for(
        user, Summons.objects.select_related("case"), view=P.CASE_VIEW, write=write, public_id=public_id
    )


def _pending_dates(qs: QuerySet[CourtSession]) -> QuerySet[CourtSession]:
    """Sessions whose next date is the case's pending court date (no later session recorded)."""
    later = CourtSession.objects.filter(case=OuterRef("case")).filter(
        Q(held_on__gt=OuterRef("held_on")) | Q(held_on=OuterRef("held_on"), pk__gt=OuterRef("pk"))
    )
    return qs.filter(next_date__isnull=False).exclude(case__status=Case.Status.CLOSED).filter(~Exists(later))


def court_dates(
    user: User, *, when: str = UPCOMING, perm: str = P.CASE_VIEW, today: dt.date | None = None
) -> QuerySet[CourtSession]:
    """Pending court dates on the cases ``user`` may see (or work on, with ``perm``): ``upcoming``
    (today or later, soonest first) or ``missed`` (past, most recent first)."""
    today = today or timezone.localdate()
    qs = _pending_dates(sessions_visible_to(user, perm))
    if when == MISSED:
        return qs.filter(next_date__lt=today).order_by("-next_date", "-id")
    return qs.filter(next_date__gte=today).order_by("next_date", "id")


def diary(user: User, *, when: str = UPCOMING, page: int = 1) -> Page:
    """A page of the court diary. Constant queries: count and page (courts, types, cases and
    children joined)."""
    qs = (
        court_dates(user, when=when)
        .select_related("case", "case__child", "court", "session_type", "outcome")
        .only(
            "public_id",
            "held_on",
            "next_date",
            "court_name",
            "court__name",
            "session_type__label",
            "session_type__label_sw",
            "outcome__label",
            "outcome__label_sw",
            "case__public_id",
            "case__case_number",
            "case__child__first_name",
            "case__child__last_name",
        )
    )
    return Paginator(qs, PAGE_SIZE).get_page(page)


@dataclass
class CaseCourt:
    """What the court part of a case page shows."""

    case: Case
    sessions: list[CourtSession]
    summonses: list[Summons]
    can_update: bool
    pending_date: dt.date | None


def case_court(user: User, case: Case) -> CaseCourt:
    """The court records of a case the caller already fetched through the scope rules. Three
    queries (sessions with their orders, summonses) plus the write check; on the case page, none
    for sessions or summonses it read as absent (``case_has``)."""
    sessions: list[CourtSession] = []
    if case_has(case, "court_sessions"):
        sessions = list(
            CourtSession.objects.filter(case=case)
            .select_related("court", "session_type", "plea", "outcome", "recorded_by")
            .prefetch_related(
                Prefetch("orders", queryset=CourtOrder.objects.select_related("order_type").order_by("made_on", "id"))
            )
            .order_by("-held_on", "-id")
        )
    summonses = (
        list(Summons.objects.filter(case=case).order_by("-issued_on", "-id")) if case_has(case, "summonses") else []
    )
    latest = sessions[0] if sessions else None
    return CaseCourt(
        case=case,
        sessions=sessions,
        summonses=summonses,
        can_update=case.status != Case.Status.CLOSED and scope.can(user, P.CASE_UPDATE, case),
        pending_date=latest.next_date if latest is not None and case.status != Case.Status.CLOSED else None,
    )


# --- tasks ----------------------------------------------------------------------------------------


def _court_url(case: Case) -> str:
    return reverse("court:case_court", kwargs={"public_id": case.public_id})


def court_tasks(user: User) -> list[Task]:
    """Pending court dates due within two weeks (or missed), and summonses past their date with
    nothing recorded, on open cases the user may work on (case.update)."""
    if not scope.has_perm(user, P.CASE_UPDATE):
        return []
    sessions = sessions_visible_to(user, P.CASE_UPDATE)
    summonses = summonses_visible_to(user, P.CASE_UPDATE)
    return _court_task_list(user, sessions, summonses)


def my_court_tasks(user: User) -> list[Task]:
    """``court_tasks`` for the "my tasks" view: only sessions the user recorded and summonses the
    user issued (or on cases the user opened), read from the user's own rows (partial indexes
    ``courtsession_pending_by``/``summons_pending_by``), checked against the scope through their
    cases' primary keys, instead of every court date of the user's area."""
    if not scope.has_perm(user, P.CASE_UPDATE):
        return []
    # The user's own rows first, with their cases (two index reads each, in one UNION); then the
    # scope on those cases alone, by primary key (a court record's scope is its case's), and the
    # rows by primary key. Given the scope as a correlated EXISTS over the same rows, the planner
    # judged the user's rows many and checked the scope of every court session of the country
    # (290 ms at a million cases for an officer with 1,240 pending dates); given the scope with
    # the rows, it read all 148,000 open cases to join them (240 ms).
    horizon = timezone.localdate() + dt.timedelta(days=TASK_HORIZON_DAYS)
    pending = CourtSession.objects.filter(next_date__isnull=False, next_date__lte=horizon).order_by()
    session_rows = list(
        pending.filter(recorded_by=user)
        .values_list("pk", "case_id")
        .union(pending.filter(case__created_by=user).values_list("pk", "case_id"))
    )
    waiting = Summons.objects.filter(status=Summons.Status.PENDING).order_by()
    summons_rows = list(
        waiting.filter(issued_by=user)
        .values_list("pk", "case_id")
        .union(waiting.filter(case__created_by=user).values_list("pk", "case_id"))
    )
    case_ids = sorted({case for _pk, case in session_rows} | {case for _pk, case in summons_rows})
    reachable = reachable_case_ids(user, P.CASE_UPDATE, case_ids)
    sessions = CourtSession.objects.filter(pk__in=[pk for pk, case in session_rows if case in reachable])
    summonses = Summons.objects.filter(pk__in=[pk for pk, case in summons_rows if case in reachable])
    return [t for t in _court_task_list(user, sessions, summonses) if t.mine]


def _court_task_list(user: User, sessions_qs: QuerySet[CourtSession], summons_qs: QuerySet[Summons]) -> list[Task]:
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=TASK_HORIZON_DAYS)
    sessions = (
        _pending_dates(sessions_qs)
        .filter(next_date__lte=horizon)
        .select_related("case", "court")
        .only(
            "next_date",
            "court_name",
            "court__name",
            "recorded_by_id",
            "case__public_id",
            "case__case_number",
            "case__created_by_id",
        )
        .order_by("next_date", "id")[:TASK_LIMIT]
    )
    out = [
        Task(
            kind="court",
            title=(
                _("Court date missed — record the session: %(court)s")
                if s.next_date < today
                else _("Court date: %(court)s")
            )
            % {"court": s.court_label or _("court")},
            url=_court_url(s.case),
            due_on=s.next_date,
            case_number=s.case.case_number,
            mine=user.pk in (s.recorded_by_id, s.case.created_by_id),
            source="court",
        )
        for s in sessions
    ]
    summonses = (
        summons_qs.filter(status=Summons.Status.PENDING, due_on__lt=today)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case")
        .only("person_role", "due_on", "issued_by_id", "case__public_id", "case__case_number", "case__created_by_id")
        .order_by("due_on", "id")[:TASK_LIMIT]
    )
    out += [
        Task(
            kind="summons",
            title=_("Summons past its date — was it honoured? (%(role)s)") % {"role": s.person_role},
            url=_court_url(s.case),
            due_on=s.due_on,
            case_number=s.case.case_number,
            mine=user.pk in (s.issued_by_id, s.case.created_by_id),
            source="court",
        )
        for s in summonses
    ]
    return out


def has_sessions() -> Exists:
    return Exists(CourtSession.objects.filter(case=OuterRef("pk")))


def has_summonses() -> Exists:
    return Exists(Summons.objects.filter(case=OuterRef("pk")))


def case_page_panel(user: User, case: Case) -> Panel:
    """The court section of the case page (registered with cpims.cases.panels, with the flags
    ``court_sessions`` and ``summonses``)."""
    return Panel("court/_case_panel.html", {"court": case_court(user, case)})

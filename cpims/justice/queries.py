"""Every read of the justice track, starting from the scope rules (cpims.accounts.scope).

Every read requires ``case.view_sensitive``: without it anywhere, 403; a case outside the grants
carrying it, 404.

Alert date edges (settings ``JUSTICE_REMAND_LIMIT_DAYS`` = L, ``JUSTICE_ORDER_WARNING_DAYS`` = W):

* A child remanded from day S has been on remand ``today - S`` days. On day S + L the child is
  exactly at the limit (no alert); from day S + L + 1 the remand is **over the limit**.
* A disposition order expiring on day E is **about to expire** from day E - W (alert on that day,
  not the day before) until aftercare starts; from day E + 1 it is *expired*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases.models import Case
from cpims.cases.panels import Panel, case_has
from cpims.cases.queries import case_has_category
from cpims.cases.tasks import Task
from cpims.core.validation import short_date
from cpims.court.models import CourtOrder, CourtSession
from cpims.justice.models import OFFENDER_CATEGORY_CODES, JusticeReport, JusticeTrack, Remand

TASK_LIMIT = 200
ALERT_LIMIT = 100


def remand_limit_days() -> int:
    return int(settings.JUSTICE_REMAND_LIMIT_DAYS)


def order_warning_days() -> int:
    return int(settings.JUSTICE_ORDER_WARNING_DAYS)


def case_for(user: User, public_id: Any, *, write: str | None = None) -> Case:
    """A case whose justice track the user may see: 403 without ``case.view_sensitive``, 404
    outside its scope, 403 without ``write`` over it."""
    scope.require_perm(user, P.CASE_VIEW_SENSITIVE)
    return scope.get_for(
        user,
        Case.objects.select_related("child", "office"),
        view=P.CASE_VIEW_SENSITIVE,
        write=write,
        public_id=public_id,
    )


def _one(user: User, queryset: QuerySet[Any], public_id: Any, write: str | None) -> Any:
    scope.require_perm(user, P.CASE_VIEW_SENSITIVE)
    return scope.get_for(user, queryset, view=P.CASE_VIEW_SENSITIVE, write=write, public_id=public_id)


def track_for(user: User, public_id: Any, *, write: str | None = None) -> JusticeTrack:
    return _one(user, JusticeTrack.objects.select_related("case", "case__child"), public_id, write)


def remand_for(user: User, public_id: Any, *, write: str | None = None) -> Remand:
    return _one(user, Remand.objects.select_related("case", "institution", "track"), public_id, write)


def tracks_visible_to(user: User, perm: str = P.CASE_VIEW_SENSITIVE) -> QuerySet[JusticeTrack]:
    return scope.restrict(user, JusticeTrack.objects.all(), perm)


def remands_visible_to(user: User, perm: str = P.CASE_VIEW_SENSITIVE) -> QuerySet[Remand]:
    return scope.restrict(user, Remand.objects.all(), perm)


def _workable(user: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Rows the user may see the sensitive sections of and work on."""
    return scope.restrict(user, scope.restrict(user, qs, P.CASE_VIEW_SENSITIVE), P.CASE_UPDATE)


def is_in_conflict_with_law(case: Case) -> bool:
    return case.in_conflict_with_law or case_has_category(case, OFFENDER_CATEGORY_CODES)


def audit_view(user: User, track: JusticeTrack, *, request: HttpRequest | None = None, via: str = "web") -> None:
    audit_record(
        actor=user,
        action="justice.view",
        obj=track.case,
        object_label=track.case.case_number,
        request=request,
        details={"via": via, "track": str(track.public_id)},
    )


# --- alerts -----------------------------------------------------------------------------------


def remands_over_limit(qs: QuerySet[Remand], *, today: dt.date | None = None) -> QuerySet[Remand]:
    """Open remands longer than the legal limit on ``today``."""
    today = today or timezone.localdate()
    return qs.filter(ended_on__isnull=True, started_on__lt=today - dt.timedelta(days=remand_limit_days()))


def orders_expiring(qs: QuerySet[JusticeTrack], *, today: dt.date | None = None) -> QuerySet[JusticeTrack]:
    """Tracks whose disposition order expires within the warning period (or has expired) and
    whose aftercare has not started."""
    today = today or timezone.localdate()
    return qs.filter(
        order_expires_on__isnull=False,
        order_expires_on__lte=today + dt.timedelta(days=order_warning_days()),
        aftercare_started_on__isnull=True,
    ).exclude(case__status=Case.Status.CLOSED)


def remand_last_day(remand: Remand) -> dt.date:
    return remand.started_on + dt.timedelta(days=remand_limit_days())


@dataclass
class Alert:
    kind: str  # "remand" or "order"
    title: str
    due_on: dt.date
    case: Case
    overdue: bool


def _remand_title(remand: Remand, today: dt.date) -> str:
    return _("Remanded longer than %(n)d days (%(home)s, since %(date)s): bring the case before the court") % {
        "n": remand_limit_days(),
        "home": remand.institution.name,
        "date": short_date(remand.started_on),
    }


def _order_title(track: JusticeTrack, today: dt.date) -> str:
    assert track.order_expires_on is not None
    if track.order_expires_on < today:
        return _("Disposition order expired on %(date)s: plan discharge and aftercare") % {
            "date": short_date(track.order_expires_on)
        }
    return _("Disposition order expires on %(date)s: plan aftercare") % {"date": short_date(track.order_expires_on)}


def _alerts(remands: list[Remand], tracks: list[JusticeTrack], today: dt.date) -> list[Alert]:
    out = [Alert("remand", _remand_title(r, today), remand_last_day(r), r.case, True) for r in remands]
    out += [
        Alert("order", _order_title(t, today), t.order_expires_on, t.case, t.order_expires_on < today)  # type: ignore[arg-type, operator]
        for t in tracks
    ]
    return sorted(out, key=lambda a: a.due_on)


def alerts_for(user: User, *, today: dt.date | None = None) -> list[Alert]:
    """The alerts page: remands over the limit and orders about to expire on the cases the user
    may see the sensitive sections of. Two queries."""
    scope.require_perm(user, P.CASE_VIEW_SENSITIVE)
    today = today or timezone.localdate()
    remands = list(
        remands_over_limit(remands_visible_to(user), today=today)
        .select_related("institution", "case", "case__child")
        .order_by("started_on", "id")[:ALERT_LIMIT]
    )
    tracks = list(
        orders_expiring(tracks_visible_to(user), today=today)
        .select_related("case", "case__child")
        .order_by("order_expires_on", "id")[:ALERT_LIMIT]
    )
    return _alerts(remands, tracks, today)


def _track_url(case: Case) -> str:
    return reverse("justice:case_track", kwargs={"public_id": case.public_id})


def justice_tasks(user: User) -> list[Task]:
    """Remands over the legal limit and disposition orders about to expire, on open cases the
    user may work on and see the sensitive sections of (registered with cpims.cases.tasks)."""
    if not (scope.has_perm(user, P.CASE_VIEW_SENSITIVE) and scope.has_perm(user, P.CASE_UPDATE)):
        return []
    today = timezone.localdate()
    remands = list(
        remands_over_limit(_workable(user, Remand.objects.all()), today=today)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("institution", "case")
        .order_by("started_on", "id")[:TASK_LIMIT]
    )
    tracks = list(
        orders_expiring(_workable(user, JusticeTrack.objects.all()), today=today)
        .select_related("case")
        .order_by("order_expires_on", "id")[:TASK_LIMIT]
    )
    return [
        Task(
            kind=f"justice_{a.kind}",
            title=a.title,
            url=_track_url(a.case),
            due_on=a.due_on,
            case_number=a.case.case_number,
            mine=user.pk == a.case.created_by_id,
            source="justice",
        )
        for a in _alerts(remands, tracks, today)
    ]


# --- the track page and the case panel -------------------------------------------------------


@dataclass
class TrackView:
    case: Case
    track: JusticeTrack | None
    eligible: bool
    can_update: bool
    remands: list[Remand] = field(default_factory=list)
    reports: list[JusticeReport] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def open_remand(self) -> Remand | None:
        return next((r for r in self.remands if r.ended_on is None), None)


# What the track page and the case page's panel show of a track, read with it.
TRACK_RELATED = (
    "police_station",
    "plea_session",
    "plea_session__plea",
    "plea_session__court",
    "disposition_order",
    "disposition_order__order_type",
    "placement",
    "placement__institution",
)


def has_track() -> Exists:
    """Whether the case (``OuterRef("pk")`` of a case query) has a justice track: the case page's flag."""
    return Exists(JusticeTrack.objects.filter(case=OuterRef("pk")))


def case_track(user: User, case: Case) -> TrackView:
    """The justice track of a case the caller already fetched through ``case_for`` (no query when
    the case page read that the case has none)."""
    today = timezone.localdate()
    track = (
        JusticeTrack.objects.filter(case=case).select_related(*TRACK_RELATED).first()
        if case_has(case, "justice_track")
        else None
    )
    can_update = case.status != Case.Status.CLOSED and scope.can(user, P.CASE_UPDATE, case)
    if track is None:
        return TrackView(case=case, track=None, eligible=is_in_conflict_with_law(case), can_update=can_update)
    remands = list(track.remands.select_related("institution", "court_session").order_by("started_on", "id"))
    reports = list(track.reports.order_by("submitted_on", "id"))
    over = [r for r in remands if r.ended_on is None and r.started_on < today - dt.timedelta(days=remand_limit_days())]
    for r in remands:
        r.case = case
    track.case = case
    expiring = (
        [track]
        if track.order_expires_on
        and track.aftercare_started_on is None
        and track.order_expires_on <= today + dt.timedelta(days=order_warning_days())
        else []
    )
    return TrackView(
        case=case,
        track=track,
        eligible=True,
        can_update=can_update,
        remands=remands,
        reports=reports,
        alerts=_alerts(over, expiring, today),
    )


def case_sessions(case: Case) -> QuerySet[CourtSession]:
    return CourtSession.objects.filter(case=case).select_related("session_type", "plea").order_by("-held_on", "-id")


def case_orders(case: Case) -> QuerySet[CourtOrder]:
    return (
        CourtOrder.objects.filter(session__case=case)
        .select_related("order_type", "session")
        .order_by("-made_on", "-id")
    )


def case_page_panel(user: User, case: Case) -> Panel | None:
    """The justice section of the case page, only for users with case.view_sensitive over the
    case, and only on a case of a child in conflict with the law."""
    if not scope.can(user, P.CASE_VIEW_SENSITIVE, case):
        return None
    view = case_track(user, case)
    if view.track is None and not view.eligible:
        return None
    return Panel("justice/_case_panel.html", {"justice": view})

"""Every read of CTiP tracks, starting from the scope rules (cpims.accounts.scope).

A track follows its case: a case outside the caller's scope answers 404; a case the caller may see
without ``case.view_sensitive`` answers 403, since CTiP records are a sensitive section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases import queries as case_queries
from cpims.cases.models import Case
from cpims.cases.panels import Panel, case_has
from cpims.court.models import CourtSession
from cpims.ctip.actions import WRITE, is_ctip_case
from cpims.ctip.models import PARTNER_CODE_PREFIX, Assistance, CtipTrack, FollowUp, Referral, Return, Tracing
from cpims.geo.models import OrgUnit

READ = (P.CASE_VIEW_SENSITIVE,)


def tracks_visible_to(user: User, perm: str = P.CASE_VIEW_SENSITIVE) -> QuerySet[CtipTrack]:
    return scope.restrict(user, CtipTrack.objects.all(), perm)


def case_for(user: User, public_id: Any, *, write: bool = False) -> Case:
    """The case of a CTiP page: 404 outside scope, 403 without case.view_sensitive (and, to
    write, case.update) over it."""
    return case_queries.case_for(user, public_id, write=WRITE if write else READ)


def track_of(case: Case) -> CtipTrack:
    """The track of a case the caller fetched through ``case_for``; 404 when it has none."""
    track = (
        CtipTrack.objects.select_related(
            "case", "trafficking_type", "nationality", "country_of_origin", "transport", "recruitment", "purpose"
        )
        .filter(case=case)
        .first()
    )
    if track is None:
        raise Http404
    return track


def track_for(user: User, public_id: Any, *, write: bool = False) -> CtipTrack:
    """The track of the case ``public_id``, through the scope rules of its case."""
    return track_of(case_for(user, public_id, write=write))


def audit_view(user: User, track: CtipTrack, *, request: HttpRequest | None = None, via: str = "web") -> None:
    audit_record(
        actor=user,
        action="ctip.view",
        obj=track,
        object_label=track.case.case_number,
        request=request,
        details={"case": str(track.case.public_id), "via": via},
    )


def partner_agencies() -> QuerySet[OrgUnit]:
    """The CTiP Secretariat and the foreign agencies (cross-border referrals, receiving agencies)."""
    return OrgUnit.objects.filter(code__startswith=PARTNER_CODE_PREFIX, is_active=True).order_by("name")


def police_stations() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.POLICE_STATION, is_active=True).order_by("name")


def court_sessions_of(case: Case) -> QuerySet[CourtSession]:
    return CourtSession.objects.filter(case=case).select_related("session_type", "court").order_by("-held_on", "-id")


@dataclass
class CaseCtip:
    """What the CTiP page and the case page panel show."""

    case: Case
    track: CtipTrack | None
    eligible: bool  # a trafficking or smuggling case
    can_update: bool
    assistance: list[Assistance]
    tracing: list[Tracing]
    returns: list[Return]
    follow_ups: list[FollowUp]
    referrals: list[Referral]
    court_sessions: list[CourtSession]

    @property
    def stages(self) -> list[tuple[str, Any, bool]]:
        """(stage, label, reached) in order, for the progress list."""
        reached = CtipTrack.STAGE_ORDER.index(self.track.stage) if self.track else -1
        return [(s.value, s.label, i <= reached) for i, s in enumerate(CtipTrack.Stage)]


def case_ctip(user: User, case: Case) -> CaseCtip:
    """The CTiP track of a case the caller fetched through the scope rules (with the sensitive
    permission checked). A constant number of queries: the track, its five kinds of rows, the
    court sessions, the category and the write check."""
    track = (
        CtipTrack.objects.select_related(
            "trafficking_type", "nationality", "country_of_origin", "transport", "recruitment", "purpose"
        )
        .filter(case=case)
        .first()
    )
    rows: dict[str, list[Any]] = {"assistance": [], "tracing": [], "returns": [], "follow_ups": [], "referrals": []}
    if track is not None:
        track.case = case
        rows = {
            "assistance": list(Assistance.objects.filter(track=track).select_related("provider")),
            "tracing": list(Tracing.objects.filter(track=track).select_related("country")),
            "returns": list(Return.objects.filter(track=track).select_related("country", "receiving_agency")),
            "follow_ups": list(FollowUp.objects.filter(track=track)),
            "referrals": list(Referral.objects.filter(track=track).select_related("to_unit")),
        }
    return CaseCtip(
        case=case,
        track=track,
        eligible=track is not None or is_ctip_case(case),
        can_update=case.status != Case.Status.CLOSED and all(scope.can(user, perm, case) for perm in WRITE),
        court_sessions=list(court_sessions_of(case)) if track is not None else [],
        **rows,
    )


def has_track() -> Exists:
    """Whether the case (``OuterRef("pk")`` of a case query) has a CTiP track: the case page's flag."""
    return Exists(CtipTrack.objects.filter(case=OuterRef("pk")))


def case_page_panel(user: User, case: Case) -> Panel | None:
    """The CTiP section of the case page (registered with cpims.cases.panels): only on trafficking
    and smuggling cases, and only for those who may see sensitive sections."""
    if not scope.can(user, P.CASE_VIEW_SENSITIVE, case):
        return None
    track = (
        CtipTrack.objects.filter(case=case).only("stage", "identified_on").first()
        if case_has(case, "ctip_track")
        else None
    )
    if track is None and not is_ctip_case(case):
        return None
    return Panel("ctip/_case_panel.html", {"ctip_track": track, "ctip_case": case})

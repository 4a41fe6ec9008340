"""Every read of intake reports, starting from the scope rules (intake.triage, area scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.geo.models import Area
from cpims.intake.content import stored_content
from cpims.intake.models import IntakeReport, ReplayedReport

PAGE_SIZE = 25
QUEUE_FILTERS = ("new", "triaged", "all")


def reports_visible_to(user: User) -> QuerySet[IntakeReport]:
    return scope.restrict(user, IntakeReport.objects.all(), P.INTAKE_TRIAGE)


def report_for(user: User, public_id: Any) -> IntakeReport:
    """One report through the scope rules: 404 outside the user's triage area."""
    return scope.get_for(
        user,
        IntakeReport.objects.select_related(
            "county", "sub_county", "ward", "office", "triaged_by", "recorded_by", "partner", "case"
        ),
        view=P.INTAKE_TRIAGE,
        public_id=public_id,
    )


@dataclass(frozen=True)
class ReplayDifference:
    label: str
    first: str  # as the report was first received (and is kept)
    replayed: str


@dataclass(frozen=True)
class Replay:
    replay: ReplayedReport
    differences: list[ReplayDifference]


def _shown(name: str, value: Any, areas: dict[int, str]) -> str:
    if value in (None, ""):
        return "-"
    if name in ("county", "sub_county", "ward"):
        return areas.get(value, "-")
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if name == "child_sex":
        return str(IntakeReport.ChildSex(value).label) if value in IntakeReport.ChildSex.values else str(value)
    return str(value)


def replays_to_review(report: IntakeReport) -> list[Replay]:
    """Later submissions under the report's reference with other content, not yet reviewed, each
    with the fields that differ (the report as first received beside the replay). Two queries."""
    replays = list(report.replays.filter(reviewed_at__isnull=True))
    if not replays:
        return []
    first = stored_content(report)
    area_ids = {
        v for r in replays for k, v in [*r.content.items(), *first.items()] if k in ("county", "sub_county", "ward")
    }
    areas = dict(Area.objects.filter(pk__in=[a for a in area_ids if a]).values_list("pk", "name"))
    labels = {f.name: f.verbose_name for f in IntakeReport._meta.concrete_fields}
    out = []
    for replay in replays:
        differences = [
            ReplayDifference(
                label=str(labels[name]).capitalize(),
                first=_shown(name, first[name], areas),
                replayed=_shown(name, replay.content.get(name), areas),
            )
            for name in first
            if replay.content.get(name) != first[name]
        ]
        out.append(Replay(replay, differences))
    return out


def queue(user: User, *, show: str = "new", page: int = 1) -> Page:
    """The triage queue of the user's area: new reports (urgent first, oldest first), or triaged
    ones (latest first). A fixed number of queries whatever the page holds."""
    qs = reports_visible_to(user).select_related("county", "sub_county", "ward", "office")
    if show == "triaged":
        qs = qs.exclude(status=IntakeReport.Status.NEW).order_by("-triaged_at", "-id")
    elif show == "all":
        qs = qs.order_by("-created_at", "-id")
    else:
        qs = qs.filter(status=IntakeReport.Status.NEW).order_by("-urgent", "created_at", "id")
    qs = qs.only(
        "public_id",
        "reference",
        "channel",
        "status",
        "urgent",
        "created_at",
        "triaged_at",
        "child_name",
        "child_age",
        "child_sex",
        "what_happened",
        "place",
        "county__name",
        "sub_county__name",
        "ward__name",
        "office__name",
    )
    return Paginator(qs, PAGE_SIZE).get_page(page)


def audit_view(user: User, report: IntakeReport, *, request: HttpRequest | None = None) -> None:
    audit_record(
        actor=user, action="intake.view", obj=report, object_label=report.reference, request=request, details={}
    )

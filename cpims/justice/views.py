"""Justice track pages. Thin: parse the form, call a query or an action, render.

Every page requires ``case.view_sensitive`` (403 without it) over the case (404 outside scope);
changes also need ``case.update`` (403)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts.types import AuthenticatedRequest
from cpims.cases.models import Case
from cpims.core.formviews import form_view, pick
from cpims.justice import actions, forms, queries
from cpims.justice.models import JusticeTrack


def _form(
    request: AuthenticatedRequest, form: Any, action: Any, *, case: Case, title: str, success: str
) -> HttpResponse:
    return form_view(
        request,
        form,
        action,
        then=lambda _result: redirect("justice:case_track", public_id=case.public_id),
        template="justice/form.html",
        context={"case": case, "title": title},
        success=success,
        invalid_status=400,
    )


@login_required
@require_GET
def case_track(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """The justice track of one case: arrest, diversion or court, remand, reports, disposition,
    aftercare, with its alerts."""
    case = queries.case_for(request.user, public_id)
    view = queries.case_track(request.user, case)
    if view.track is not None:
        queries.audit_view(request.user, view.track, request=request)
    return render(request, "justice/case_track.html", {"case": case, "justice": view})


@login_required
@require_http_methods(["GET", "POST"])
def track_open(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    case = queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.OpenForm(request.POST or None)
    return _form(
        request,
        form,
        lambda d: actions.justice_track_open(
            actor=request.user,
            case=case,
            request=request,
            **pick(d, "ob_number", "police_station", "charge", "arrested_on"),
        ),
        case=case,
        title=_("Record the arrest"),
        success=_("Justice track opened."),
    )


@dataclass(frozen=True)
class Step:
    """One step of a track: its form, the action it calls with the form's ``fields`` (and the
    version the officer read, when ``versioned``: the steps that change the track itself), the
    form's initial values and the querysets its choices come from (functions of the track)."""

    form: Any
    action: Any
    fields: tuple[str, ...]
    title: Any
    success: Any
    initial: Any = None
    versioned: bool = True
    choices: Any = None


def _today(track: JusticeTrack, name: str) -> dict[str, Any]:
    return {name: timezone.localdate()}


STEPS = {
    "route": Step(
        forms.RouteForm,
        actions.justice_route_set,
        ("route", "decided_on", "diversion_notes"),
        gettext_lazy("Diversion or court"),
        gettext_lazy("Saved."),
        initial=lambda t: {
            "route": t.route,
            "decided_on": t.route_on or timezone.localdate(),
            "diversion_notes": t.diversion_notes,
        },
    ),
    "court": Step(
        forms.CourtForm,
        actions.justice_court_record,
        ("plea_session", "bail", "bail_terms", "bail_on"),
        gettext_lazy("Plea and bail"),
        gettext_lazy("Saved."),
        initial=lambda t: {
            "plea_session": t.plea_session_id,
            "bail": t.bail,
            "bail_terms": t.bail_terms,
            "bail_on": t.bail_on,
        },
        choices=lambda t: {"sessions": queries.case_sessions(t.case)},
    ),
    "remand_start": Step(
        forms.RemandForm,
        actions.remand_start,
        ("institution", "started_on", "court_session"),
        gettext_lazy("Record a remand"),
        gettext_lazy("Remand recorded."),
        initial=lambda t: _today(t, "started_on"),
        versioned=False,
        choices=lambda t: {"sessions": queries.case_sessions(t.case)},
    ),
    "report_add": Step(
        forms.ReportForm,
        actions.justice_report_add,
        ("kind", "submitted_on", "recommendation", "court_session", "notes"),
        gettext_lazy("Record a report to the court"),
        gettext_lazy("Report recorded."),
        initial=lambda t: _today(t, "submitted_on"),
        versioned=False,
        choices=lambda t: {"sessions": queries.case_sessions(t.case)},
    ),
    "disposition": Step(
        forms.DispositionForm,
        actions.justice_disposition_record,
        ("disposition", "decided_on", "court_order", "institution"),
        gettext_lazy("Record the disposition"),
        gettext_lazy("Disposition recorded."),
        initial=lambda t: _today(t, "decided_on"),
        choices=lambda t: {"orders": queries.case_orders(t.case)},
    ),
    "aftercare": Step(
        forms.AftercareForm,
        actions.justice_aftercare_start,
        ("started_on", "plan"),
        gettext_lazy("Start aftercare"),
        gettext_lazy("Aftercare started."),
        initial=lambda t: _today(t, "started_on"),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def step(request: AuthenticatedRequest, public_id: Any, name: str) -> HttpResponse:
    """A step of the track (``STEPS``): the track through the scope rules (case.update), its form,
    its action."""
    spec = STEPS[name]
    track = queries.track_for(request.user, public_id, write=P.CASE_UPDATE)
    initial = {"version": track.version, **(spec.initial(track) if spec.initial else {})}
    form = spec.form(request.POST or None, initial=initial, **(spec.choices(track) if spec.choices else {}))

    def run(d: dict[str, Any]) -> Any:
        versions = {"expected_version": d.get("version")} if spec.versioned else {}
        return spec.action(actor=request.user, track=track, request=request, **versions, **pick(d, *spec.fields))

    return _form(request, form, run, case=track.case, title=str(spec.title), success=str(spec.success))


@login_required
@require_http_methods(["GET", "POST"])
def remand_end(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    remand = queries.remand_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.RemandEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    return _form(
        request,
        form,
        lambda d: actions.remand_end(
            actor=request.user, remand=remand, request=request, **pick(d, "ended_on", "end_reason")
        ),
        case=remand.case,
        title=_("End the remand (%(home)s)") % {"home": remand.institution.name},
        success=_("Remand ended."),
    )


@login_required
@require_GET
def alerts(request: AuthenticatedRequest) -> HttpResponse:
    """Remands over the legal limit and disposition orders about to expire, in the user's scope."""
    items = queries.alerts_for(request.user)
    context = {
        "alerts": items,
        "remand_limit": queries.remand_limit_days(),
        "warning": queries.order_warning_days(),
    }
    return render(request, "justice/alerts.html", context)

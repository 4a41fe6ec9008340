"""CTiP pages. Thin: look the track up through the scope rules, parse the form, call one action,
render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.audit.actions import audit_record
from cpims.cases.models import Case
from cpims.core.formviews import form_view, pick
from cpims.ctip import actions, figures, forms, queries
from cpims.ctip.models import CtipTrack
from cpims.reporting.forms import KIND_LABELS, ReportForm


def _to_track(case: Case) -> HttpResponse:
    return redirect("ctip:track", public_id=case.public_id)


def _form(
    request: AuthenticatedRequest,
    form: Any,
    action: Callable[..., Any],
    *,
    case: Case,
    title: str,
    success: str,
    **extra: Any,
) -> HttpResponse:
    """A CTiP form page: on a valid POST, ``action(**fields, **extra)`` as the user, then back to
    the track."""
    return form_view(
        request,
        form,
        lambda d: action(actor=request.user, request=request, **pick(d, *form.FIELDS), **extra),
        then=lambda _result: _to_track(case),
        template="ctip/form.html",
        context={"case": case, "title": title},
        success=success,
        invalid_status=400,
    )


@login_required
@require_GET
def track(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """The CTiP track of a case: its stage, every form filled and the links to the next ones."""
    case = queries.case_for(request.user, public_id)
    ctip = queries.case_ctip(request.user, case)
    if ctip.track is not None:
        queries.audit_view(request.user, ctip.track, request=request)
    return render(request, "ctip/track.html", {"case": case, "ctip": ctip})


@login_required
@require_http_methods(["GET", "POST"])
def identify(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """Identification and screening: opens the track, or corrects it (with the version read)."""
    case = queries.case_for(request.user, public_id, write=True)
    existing = CtipTrack.objects.filter(case=case).select_related("case").first()
    title = _("Identification and screening")
    if existing is None:
        form = forms.IdentificationForm(request.POST or None, initial={"identified_on": timezone.localdate()})
        return _form(
            request,
            form,
            lambda **kw: actions.ctip_identify(case=case, **kw),
            case=case,
            title=title,
            success=_("The child's identification was recorded."),
        )
    initial: dict[str, Any] = {name: getattr(existing, name) for name in forms.IdentificationForm.FIELDS}
    initial.update(means=list(existing.means.all()), indicators=list(existing.indicators.all()))
    initial["version"] = existing.version
    form = forms.IdentificationForm(request.POST or None, initial=initial)
    return _form(
        request,
        form,
        lambda **kw: actions.ctip_identification_update(
            track=existing, expected_version=form.cleaned_data.get("version"), **kw
        ),
        case=case,
        title=title,
        success=_("The identification was corrected."),
    )


def _step(
    request: AuthenticatedRequest,
    public_id: Any,
    form_class: Any,
    action: Callable[..., Any],
    *,
    title: str,
    success: str,
    initial: Callable[[CtipTrack], dict[str, Any]] | None = None,
    versioned: bool = False,
) -> HttpResponse:
    """A form of a step of the track (the track must exist: 404 otherwise)."""
    track = queries.track_for(request.user, public_id, write=True)
    kwargs = {"case": track.case} if form_class is forms.ProsecutionForm else {}
    start = initial(track) if initial else {}
    if versioned:
        start["version"] = track.version
    form = form_class(request.POST or None, initial=start, **kwargs)

    def run(**kw: Any) -> Any:
        if versioned:
            kw["expected_version"] = form.cleaned_data.get("version")
        return action(track=track, **kw)

    return _form(request, form, run, case=track.case, title=title, success=success)


def _today(_track: CtipTrack) -> dict[str, Any]:
    return {
        name: timezone.localdate() for name in ("given_on", "traced_on", "travelled_on", "visited_on", "referred_on")
    }


def _plan_initial(track: CtipTrack) -> dict[str, Any]:
    return {
        "reintegration_plan": track.reintegration_plan,
        "plan_agreed_on": track.plan_agreed_on or timezone.localdate(),
    }


def _prosecution_initial(track: CtipTrack) -> dict[str, Any]:
    return {name: getattr(track, name) for name in forms.ProsecutionForm.FIELDS}


def _step_view(
    form_class: Any,
    action: Callable[..., Any],
    title: Any,
    success: Any,
    initial: Callable[[CtipTrack], dict[str, Any]] = _today,
    versioned: bool = False,
) -> Callable[..., HttpResponse]:
    """The page of one step's form (titles are lazy: translated per request)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
        return _step(
            request,
            public_id,
            form_class,
            action,
            title=str(title),
            success=str(success),
            initial=initial,
            versioned=versioned,
        )

    return view


assistance_add = _step_view(
    forms.AssistanceForm,
    actions.ctip_assistance_add,
    gettext_lazy("Immediate assistance"),
    gettext_lazy("Assistance recorded."),
)
tracing_add = _step_view(
    forms.TracingForm,
    actions.ctip_tracing_add,
    gettext_lazy("Family tracing and assessment"),
    gettext_lazy("Family tracing recorded."),
)
return_add = _step_view(
    forms.ReturnForm,
    actions.ctip_return_add,
    gettext_lazy("Repatriation or return"),
    gettext_lazy("Repatriation or return recorded."),
)
plan_edit = _step_view(
    forms.PlanForm,
    actions.ctip_plan_update,
    gettext_lazy("Reintegration plan"),
    gettext_lazy("Reintegration plan saved."),
    _plan_initial,
    versioned=True,
)
followup_add = _step_view(
    forms.FollowUpForm,
    actions.ctip_followup_add,
    gettext_lazy("Reintegration follow-up"),
    gettext_lazy("Follow-up recorded."),
)
prosecution_edit = _step_view(
    forms.ProsecutionForm,
    actions.ctip_prosecution_update,
    gettext_lazy("Link to the prosecution"),
    gettext_lazy("Link to the prosecution saved."),
    _prosecution_initial,
    versioned=True,
)
referral_add = _step_view(
    forms.ReferralForm,
    actions.ctip_referral_add,
    gettext_lazy("Cross-border referral"),
    gettext_lazy("Referral recorded."),
)


@login_required
@require_GET
def figures_page(request: AuthenticatedRequest) -> HttpResponse:
    """CTiP figures for an area and period; suppressed for aggregate-only viewers."""
    scope.require_perm(request.user, P.REPORT_VIEW_AGGREGATE)
    form = ReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "ctip/figures.html", {"form": form, "kind_labels": KIND_LABELS}, status=400)
    period, area = form.cleaned_data["period"], form.cleaned_data["area"]
    tables = figures.ctip_tables(request.user, period=period, area=area)
    audit_record(
        actor=request.user,
        action="ctip.figures_view",
        request=request,
        details={"period": period.code, "area": area.key if area else ""},
    )
    return render(
        request,
        "ctip/figures.html",
        {
            "form": form,
            "kind_labels": KIND_LABELS,
            "period": period,
            "area": area,
            "tables": tables,
            "suppressed": tables[0].suppressed,
        },
    )

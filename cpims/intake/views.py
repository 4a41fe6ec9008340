"""Intake pages. Thin: parse the form, call a query or an action, render.

The public pages (report a concern, its receipt and the area options it uses) need no login and
never read a record: they answer with the new report's reference number and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.accounts.types import AuthenticatedRequest
from cpims.cases import forms as case_forms
from cpims.cases import queries as case_queries
from cpims.core.forms import as_page
from cpims.core.formviews import form_view, pick
from cpims.geo.models import OrgUnit
from cpims.intake import actions, forms, queries, throttle
from cpims.intake.models import IntakeReport
from cpims.registry import queries as registry_queries
from cpims.registry.actions import PersonInput
from cpims.registry.numbers import normalise_number

RECEIPT_SALT = "cpims.intake.receipt"
RECEIPT_MAX_AGE = 24 * 60 * 60
# The cases app's category rows (add, remove, sub-categories following the category), with a second
# (optional) row shown: a concern often has two categories.
CategoryFormSet = case_forms.category_formset(extra=1)


# --- Public ---------------------------------------------------------------------------------------


@csrf_protect
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    form = forms.ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not throttle.allow(request):
            response = render(request, "intake/public_throttled.html", status=429)
            response["Retry-After"] = str(throttle.seconds_left())
            return response
        if form.is_valid():
            try:
                report = actions.report_submit_public(data=form.to_input())
            except ValidationError as exc:
                forms.attach_errors(form, exc)
            else:
                token = signing.dumps(report.reference, salt=RECEIPT_SALT)
                return redirect("intake:public_received", token=token)
    return render(request, "intake/public_report.html", {"form": form})


@require_GET
def public_received(request: HttpRequest, token: str) -> HttpResponse:
    """The receipt: the reference number only (from the signed link, not from the database)."""
    try:
        reference = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    return render(request, "intake/public_received.html", {"reference": reference})


# --- Officers and partners ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: AuthenticatedRequest) -> HttpResponse:
    if not (scope.has_perm(request.user, P.CASE_CREATE) or scope.has_perm(request.user, P.INTAKE_TRIAGE)):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    unit = _home_unit(request.user)
    if unit is not None:
        initial = {"county": unit.county_id, "sub_county": unit.sub_county_id}
    form = forms.ReportForm(request.POST if request.method == "POST" else None, initial=initial)

    def recorded(report: Any) -> HttpResponse:
        if scope.can(request.user, P.INTAKE_TRIAGE, report):
            return redirect("intake:report_detail", public_id=report.public_id)
        return redirect("intake:report_new")

    return form_view(
        request,
        form,
        lambda d: actions.report_record(actor=request.user, data=form.to_input(), request=request),
        then=recorded,
        success=lambda report: (
            _("The concern was recorded with reference %(reference)s and waits for triage.")
            % {"reference": report.reference}
        ),
        template="intake/report_form.html",
    )


def _home_unit(user: User) -> OrgUnit | None:
    grants = scope.grants_for(user).items
    if not grants:
        return None
    return OrgUnit.objects.filter(pk=grants[0].org_unit_id).only("county_id", "sub_county_id").first()


@login_required
@require_GET
def queue(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.INTAKE_TRIAGE)
    form = forms.QueueFilterForm(request.GET or None)
    show = "new"
    if form.is_bound and form.is_valid():
        show = form.cleaned_data["show"] or "new"
    page = queries.queue(request.user, show=show, page=as_page(request.GET.get("page")))
    return render(request, "intake/queue.html", {"form": form, "page": page, "show": show})


def _actions_allowed(user: User) -> dict[str, bool]:
    return {
        "can_open": scope.has_perm(user, P.CASE_CREATE),
        "can_link": scope.has_perm(user, P.CASE_UPDATE),
    }


@login_required
@require_GET
def report_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    report = queries.report_for(request.user, public_id)
    queries.audit_view(request.user, report, request=request)
    return render(
        request,
        "intake/report_detail.html",
        {"report": report, "replays": queries.replays_to_review(report), **_actions_allowed(request.user)},
    )


@login_required
@require_http_methods(["POST"])
def replay_reviewed(request: AuthenticatedRequest, public_id: Any, replay_id: int) -> HttpResponse:
    """The officer has compared a refused replay with the report."""
    report = queries.report_for(request.user, public_id)
    replay = report.replays.filter(pk=replay_id).first()
    if replay is None:
        raise Http404
    actions.replay_mark_reviewed(actor=request.user, replay=replay, request=request)
    messages.success(request, _("Marked as reviewed."))
    return redirect("intake:report_detail", public_id=report.public_id)


def _already_triaged(request: HttpRequest, report: IntakeReport) -> HttpResponse:
    messages.warning(request, _("This report was already triaged. Nothing was changed."))
    return redirect("intake:report_detail", public_id=report.public_id)


def _case_units(user: User) -> QuerySet[OrgUnit]:
    ids = sorted({g.org_unit_id for g in scope.grants_for(user).with_perm(P.CASE_CREATE)})
    return OrgUnit.objects.filter(pk__in=ids, is_active=True).order_by("name")


def _find_child(user: User, number: str) -> Any:
    normalised = normalise_number(number)
    if not normalised:
        return None
    return registry_queries.people_visible_to(user).filter(cpims_number=normalised, kind="child").first()


@login_required
@require_http_methods(["GET", "POST"])
def report_open_case(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    report = queries.report_for(request.user, public_id)
    scope.require_perm(request.user, P.CASE_CREATE)
    if not report.is_open and request.method == "GET":
        return _already_triaged(request, report)
    data = request.POST if request.method == "POST" else None
    offices = _case_units(request.user)
    initial: dict[str, Any] = {}
    if request.GET.get("child"):
        child = registry_queries.person_for(request.user, request.GET["child"])
        initial["cpims_number"] = child.cpims_number
    if report.channel == IntakeReport.Channel.API:
        initial["reporter_type"] = _helpline_code()
    form = forms.OpenCaseForm(data, offices=offices, report=report, initial=initial)
    cats = CategoryFormSet(data, prefix="cat")
    candidates: list[Any] = []
    if data is not None and form.is_valid() and cats.is_valid():
        d = form.cleaned_data
        child = None
        new_child = None
        if d["cpims_number"]:
            child = _find_child(request.user, d["cpims_number"])
            if child is None:
                form.add_error("cpims_number", _("No registered child with this CPIMS number in your area."))
        elif form.wants_new_child:
            new_child = PersonInput(
                first_name=d["first_name"],
                last_name=d["last_name"],
                sex=d["sex"],
                age_years=d["age_years"],
                ward=d["ward"],
                village=d["village"] or "",
            )
            if not d["register_anyway"]:
                candidates = registry_queries.duplicate_candidates(request.user, new_child, request=request)
        else:
            form.add_error(None, _("Give the CPIMS number of a registered child, or the details of a new child."))
        if not form.errors and not candidates:
            try:
                case = actions.report_open_case(
                    actor=request.user,
                    report=report,
                    office=d["office"],
                    reporter_type=d["reporter_type"],
                    categories=cats.items(),
                    child=child,
                    new_child=new_child,
                    request=request,
                )
            except ValidationError as exc:
                forms.attach_errors(form, exc)
            else:
                messages.success(request, _("Case %(number)s opened.") % {"number": case.case_number})
                return redirect("cases:case_detail", public_id=case.public_id)
    return render(
        request,
        "intake/report_open_case.html",
        {"report": report, "form": form, "cats": cats, "candidates": candidates},
    )


def _helpline_code() -> Any:
    from cpims.core.models import Code

    return Code.objects.filter(code_list__name="case_reporter_id", code="CRHE").values_list("pk", flat=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def report_link(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    report = queries.report_for(request.user, public_id)
    scope.require_perm(request.user, P.CASE_UPDATE)
    if not report.is_open and request.method == "GET":
        return _already_triaged(request, report)
    form = forms.LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["case_number"].strip().upper()
        case = case_queries.cases_visible_to(request.user, P.CASE_UPDATE).filter(case_number=number).first()
        if case is None:
            form.add_error("case_number", _("No case with this number that you can work on."))
        else:
            try:
                actions.report_link_case(
                    actor=request.user, report=report, case=case, note=form.cleaned_data["note"], request=request
                )
            except ValidationError as exc:
                forms.attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Report %(reference)s linked to case %(number)s.")
                    % {"reference": report.reference, "number": case.case_number},
                )
                return redirect("cases:case_detail", public_id=case.public_id)
    return render(request, "intake/report_link.html", {"report": report, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def report_dismiss(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    report = queries.report_for(request.user, public_id)
    if not report.is_open and request.method == "GET":
        return _already_triaged(request, report)
    form = forms.DismissForm(request.POST if request.method == "POST" else None)
    return form_view(
        request,
        form,
        lambda d: actions.report_dismiss(
            actor=request.user, report=report, request=request, **pick(d, "reason", "note")
        ),
        then=lambda _result: redirect("intake:queue"),
        success=_("Report %(reference)s dismissed.") % {"reference": report.reference},
        template="intake/report_dismiss.html",
        context={"report": report},
    )

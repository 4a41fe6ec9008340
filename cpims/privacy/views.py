"""Data protection pages: the subject request register and the breach register. Thin: refuse
without the permission (403), fetch through the queries (404), call one action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.core.forms import as_page, attach_errors
from cpims.core.formviews import form_view
from cpims.privacy import actions, forms, queries
from cpims.privacy.export import JSON_KIND, PDF_KIND
from cpims.privacy.models import Breach, SubjectRequest
from cpims.reporting.downloads import downloads_of


def _show(request: AuthenticatedRequest) -> str:
    return queries.ALL if request.GET.get("show") == queries.ALL else queries.OPEN


def _refused(request: AuthenticatedRequest, exc: ValidationError, to: HttpResponse) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return to


# --- subject requests -----------------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_REQUESTS)
    show = _show(request)
    page = queries.request_list(request.user, show=show, page=as_page(request.GET.get("page")))
    return render(request, "privacy/request_list.html", {"page": page, "show": show, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_REQUESTS)
    form = forms.RequestForm(request.POST or None, initial={"received_on": timezone.localdate()})

    def register(data: dict[str, Any]) -> SubjectRequest:
        child = queries.child_by_number(request.user, data["cpims_number"])
        if child is None:
            raise ValidationError({"cpims_number": [_("No child with this CPIMS number.")]})
        return actions.subject_request_register(
            actor=request.user,
            child=child,
            request=request,
            **{k: data[k] for k in ("kind", "requester_name", "requester_relationship", "identity_checked")},
            identity_note=data["identity_note"],
            received_on=data["received_on"],
            details=data["details"],
        )

    return form_view(
        request,
        form,
        register,
        then=lambda r: redirect("privacy:request_detail", public_id=r.public_id),
        template="privacy/form.html",
        context={"title": _("Register a subject request"), "cancel": "privacy:request_list"},
        success=lambda r: _("Request %(ref)s registered.") % {"ref": r.reference},
        invalid_status=400,
    )


def _request_files(request: AuthenticatedRequest, obj: SubjectRequest) -> list[Any]:
    return list(
        downloads_of(request.user)
        .filter(kind__in=[PDF_KIND, JSON_KIND], params__request=str(obj.public_id))
        .order_by("-created_at")[:6]
    )


@login_required
@require_GET
def request_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_REQUESTS)
    obj = queries.request_for(request.user, public_id)
    initial = {"version": obj.version}
    return render(
        request,
        "privacy/request_detail.html",
        {
            "req": obj,
            "today": timezone.localdate(),
            "files": _request_files(request, obj),
            "correct_form": forms.CorrectForm(initial=initial),
            "complete_form": forms.CompleteForm(initial=initial),
            "version_form": forms.VersionForm(initial=initial),
        },
    )


def _to_request(obj: SubjectRequest) -> HttpResponse:
    return redirect("privacy:request_detail", public_id=obj.public_id)


@login_required
@require_POST
def request_export(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_REQUESTS)
    obj = queries.request_for(request.user, public_id)
    try:
        actions.subject_request_export(actor=request.user, subject_request=obj, request=request)
    except ValidationError as exc:
        return _refused(request, exc, _to_request(obj))
    messages.success(request, _("The export is being made. Review what it withholds below."))
    return _to_request(obj)


def _request_change(action: Any, form_class: Any, fields: tuple[str, ...], success: Any) -> Any:
    """A page action posted from the request page (with the version the officer read): run it and
    go back to the request, showing its refusal there if it refuses."""

    @login_required
    @require_POST
    def view(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
        scope.require_perm(request.user, P.PRIVACY_REQUESTS)
        obj = queries.request_for(request.user, public_id)
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, _("Check the form and try again."))
            return _to_request(obj)
        d = form.cleaned_data
        try:
            action(
                actor=request.user,
                subject_request=obj,
                expected_version=d["version"],
                request=request,
                **{name: d[name] for name in fields},
            )
        except ValidationError as exc:
            return _refused(request, exc, _to_request(obj))
        messages.success(request, str(success))
        return _to_request(obj)

    return view


request_review = _request_change(
    actions.subject_request_review, forms.VersionForm, (), gettext_lazy("Redaction review recorded.")
)
request_correct = _request_change(
    actions.subject_request_correct, forms.CorrectForm, ("field", "value"), gettext_lazy("The record was corrected.")
)
request_complete = _request_change(
    actions.subject_request_complete, forms.CompleteForm, ("outcome_note",), gettext_lazy("The request is completed.")
)


@login_required
@require_http_methods(["GET", "POST"])
def request_refuse(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_REQUESTS)
    obj = queries.request_for(request.user, public_id)
    form = forms.RefuseForm(request.POST or None, initial={"version": obj.version})
    return form_view(
        request,
        form,
        lambda d: actions.subject_request_refuse(
            actor=request.user, subject_request=obj, reason=d["reason"], expected_version=d["version"], request=request
        ),
        then=_to_request,
        template="privacy/form.html",
        context={"title": _("Refuse request %(ref)s") % {"ref": obj.reference}, "danger": True, "back": obj},
        success=_("The request was refused."),
        invalid_status=400,
    )


# --- breaches -------------------------------------------------------------------------------------


@login_required
@require_GET
def breach_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_BREACHES)
    show = _show(request)
    page, rows = queries.breach_list(request.user, show=show, page=as_page(request.GET.get("page")))
    return render(request, "privacy/breach_list.html", {"page": page, "rows": rows, "show": show})


def _to_breach(breach: Breach) -> HttpResponse:
    return redirect("privacy:breach_detail", public_id=breach.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def breach_create(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_BREACHES)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = forms.BreachForm(request.POST or None, initial={"discovered_at": now})
    return form_view(
        request,
        form,
        lambda d: actions.breach_record(actor=request.user, request=request, **d),
        then=_to_breach,
        template="privacy/form.html",
        context={"title": _("Record a suspected breach"), "cancel": "privacy:breach_list"},
        success=lambda b: _("Breach %(ref)s recorded. The 72-hour clock is running.") % {"ref": b.reference},
        invalid_status=400,
    )


@login_required
@require_GET
def breach_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_BREACHES)
    breach = queries.breach_for(request.user, public_id)
    return render(
        request,
        "privacy/breach_detail.html",
        {
            "breach": breach,
            "clock": queries.breach_clock(breach),
            "notices": list(breach.notices.select_related("recorded_by")),
            "people": list(breach.people.select_related("county").order_by("cpims_number")[:200]),
            "people_count": breach.people.count(),
            "close_form": forms.CloseForm(initial={"version": breach.version}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_touched(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """Which children a user touched in a time window; with POST, add them to the breach."""
    scope.require_perm(request.user, P.PRIVACY_BREACHES)
    breach = queries.breach_for(request.user, public_id)
    users = queries.actors(request.user)
    data = request.POST if request.method == "POST" else (request.GET if "touched_by" in request.GET else None)
    form = forms.TouchedForm(data, users=users)
    touched = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        window = {"touched_by": d["touched_by"], "start": d["start"], "end": d["end"]}
        try:
            if request.method == "POST":
                added = actions.breach_people_add(actor=request.user, breach=breach, request=request, **window)
                messages.success(request, _("%(n)d children added to the breach.") % {"n": added})
                return _to_breach(breach)
            touched = actions.breach_touched_lookup(actor=request.user, breach=breach, request=request, **window)
        except ValidationError as exc:
            attach_errors(form, exc)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "privacy/breach_touched.html", {"breach": breach, "form": form, "touched": touched}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_notice(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_BREACHES)
    breach = queries.breach_for(request.user, public_id)
    kind = request.GET.get("kind", "commissioner")
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = forms.NoticeForm(request.POST or None, initial={"kind": kind, "sent_at": now})
    return form_view(
        request,
        form,
        lambda d: actions.breach_notice_add(actor=request.user, breach=breach, request=request, **d),
        then=lambda _n: _to_breach(breach),
        template="privacy/form.html",
        context={"title": _("Record a notification (%(ref)s)") % {"ref": breach.reference}, "back_breach": breach},
        success=_("Notification recorded."),
        invalid_status=400,
    )


@login_required
@require_POST
def breach_close(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    scope.require_perm(request.user, P.PRIVACY_BREACHES)
    breach = queries.breach_for(request.user, public_id)
    form = forms.CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was found and done before closing."))
        return _to_breach(breach)
    try:
        actions.breach_close(
            actor=request.user,
            breach=breach,
            closure_note=form.cleaned_data["closure_note"],
            expected_version=form.cleaned_data["version"],
            request=request,
        )
    except ValidationError as exc:
        return _refused(request, exc, _to_breach(breach))
    messages.success(request, _("The breach is closed."))
    return _to_breach(breach)

"""Court pages. Thin: parse the form, call a query or an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.cases import queries as case_queries
from cpims.cases.models import Case
from cpims.court import actions, forms, queries


def _to_case(case: Case) -> HttpResponse:
    return redirect("court:case_court", public_id=case.public_id)


def _as_page(value: Any) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def _render_form(request: HttpRequest, form: Any, context: dict[str, Any]) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "court/form.html", {"form": form, **context}, status=status)


@login_required
@require_GET
def case_court(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The court records of one case (the same partial the case page includes)."""
    case = case_queries.case_for(request.user, public_id)
    court = queries.case_court(request.user, case)
    return render(
        request,
        "court/case_court.html",
        {
            "case": case,
            "sessions": court.sessions,
            "summonses": court.summonses,
            "court_can_update": court.can_update,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = case_queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.SessionForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.court_session_record(actor=request.user, case=case, request=request, **form.session_fields())
        except ValidationError as exc:
            forms.attach_errors(form, exc)
        else:
            messages.success(request, _("Court session recorded."))
            return _to_case(case)
    return _render_form(request, form, {"case": case, "title": _("Record a court session")})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = queries.session_for(request.user, public_id, write=P.CASE_UPDATE)
    initial = {
        "session_type": session.session_type_id,
        "held_on": session.held_on,
        "court": session.court_id,
        "court_name": session.court_name,
        "plea": session.plea_id,
        "outcome": session.outcome_id,
        "next_date": session.next_date,
        "notes": session.notes,
        "version": session.version,
    }
    form = forms.SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.court_session_update(
                actor=request.user,
                session=session,
                expected_version=form.cleaned_data.get("version"),
                request=request,
                **form.session_fields(),
            )
        except ValidationError as exc:
            forms.attach_errors(form, exc)
        else:
            messages.success(request, _("Court session saved."))
            return _to_case(session.case)
    return _render_form(request, form, {"case": session.case, "title": _("Edit a court session")})


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = queries.session_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.OrderForm(request.POST or None, initial={"made_on": session.held_on})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.court_order_add(
                actor=request.user,
                session=session,
                order_type=d["order_type"],
                made_on=d["made_on"],
                period_months=d["period_months"],
                expires_on=d["expires_on"],
                notes=d["notes"],
                request=request,
            )
        except ValidationError as exc:
            forms.attach_errors(form, exc)
        else:
            messages.success(request, _("Court order recorded."))
            return _to_case(session.case)
    return _render_form(request, form, {"case": session.case, "title": _("Add a court order")})


@login_required
@require_http_methods(["GET", "POST"])
def summons_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    case = case_queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.SummonsForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.summons_issue(
                actor=request.user,
                case=case,
                person_role=d["person_role"],
                person_name=d["person_name"],
                issued_on=d["issued_on"],
                due_on=d["due_on"],
                notes=d["notes"],
                request=request,
            )
        except ValidationError as exc:
            forms.attach_errors(form, exc)
        else:
            messages.success(request, _("Summons recorded."))
            return _to_case(case)
    return _render_form(request, form, {"case": case, "title": _("Issue a summons")})


@login_required
@require_http_methods(["GET", "POST"])
def summons_honoured(request: HttpRequest, public_id: Any) -> HttpResponse:
    summons = queries.summons_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.SummonsHonouredForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.summons_mark(
                actor=request.user,
                summons=summons,
                honoured=d["honoured"],
                honoured_on=d["honoured_on"],
                request=request,
            )
        except ValidationError as exc:
            forms.attach_errors(form, exc)
        else:
            messages.success(request, _("Summons updated."))
            return _to_case(summons.case)
    title = _("Was the summons honoured? (%(role)s, %(name)s)") % {
        "role": summons.person_role,
        "name": summons.person_name or "-",
    }
    return _render_form(request, form, {"case": summons.case, "title": title})


@login_required
@require_GET
def diary(request: HttpRequest) -> HttpResponse:
    """Pending court dates on the cases in the user's scope: upcoming (default) or missed."""
    scope.require_perm(request.user, P.CASE_VIEW)
    when = queries.MISSED if request.GET.get("show") == queries.MISSED else queries.UPCOMING
    page = queries.diary(request.user, when=when, page=_as_page(request.GET.get("page")))
    return render(request, "court/diary.html", {"page": page, "when": when, "today": timezone.localdate()})

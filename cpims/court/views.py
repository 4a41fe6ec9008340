"""Court pages. Thin: parse the form, call a query or an action, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.cases import queries as case_queries
from cpims.cases.models import Case
from cpims.core.forms import as_page
from cpims.core.formviews import form_view, pick
from cpims.court import actions, forms, queries


def _to_case(case: Case) -> HttpResponse:
    return redirect("court:case_court", public_id=case.public_id)


def _form(request: HttpRequest, form: Any, action: Any, *, case: Case, title: str, success: str) -> HttpResponse:
    """The court form page: run the action on a valid POST, then back to the case's court records."""
    return form_view(
        request,
        form,
        action,
        then=lambda _result: _to_case(case),
        template="court/form.html",
        context={"case": case, "title": title},
        success=success,
        invalid_status=400,
    )


@login_required
@require_GET
def case_court(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
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
def session_create(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    case = case_queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.SessionForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _form(
        request,
        form,
        lambda d: actions.court_session_record(actor=request.user, case=case, request=request, **form.session_fields()),
        case=case,
        title=_("Record a court session"),
        success=_("Court session recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
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
    return _form(
        request,
        form,
        lambda d: actions.court_session_update(
            actor=request.user,
            session=session,
            expected_version=d.get("version"),
            request=request,
            **form.session_fields(),
        ),
        case=session.case,
        title=_("Edit a court session"),
        success=_("Court session saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    session = queries.session_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.OrderForm(request.POST or None, initial={"made_on": session.held_on})
    return _form(
        request,
        form,
        lambda d: actions.court_order_add(
            actor=request.user,
            session=session,
            request=request,
            **pick(d, "order_type", "made_on", "period_months", "expires_on", "notes"),
        ),
        case=session.case,
        title=_("Add a court order"),
        success=_("Court order recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def summons_create(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    case = case_queries.case_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.SummonsForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    return _form(
        request,
        form,
        lambda d: actions.summons_issue(
            actor=request.user,
            case=case,
            request=request,
            **pick(d, "person_role", "person_name", "issued_on", "due_on", "notes"),
        ),
        case=case,
        title=_("Issue a summons"),
        success=_("Summons recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def summons_honoured(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    summons = queries.summons_for(request.user, public_id, write=P.CASE_UPDATE)
    form = forms.SummonsHonouredForm(request.POST or None)
    title = _("Was the summons honoured? (%(role)s, %(name)s)") % {
        "role": summons.person_role,
        "name": summons.person_name or "-",
    }
    return _form(
        request,
        form,
        lambda d: actions.summons_mark(
            actor=request.user, summons=summons, honoured=d["honoured"], honoured_on=d["honoured_on"], request=request
        ),
        case=summons.case,
        title=title,
        success=_("Summons updated."),
    )


@login_required
@require_GET
def diary(request: AuthenticatedRequest) -> HttpResponse:
    """Pending court dates on the cases in the user's scope: upcoming (default) or missed."""
    scope.require_perm(request.user, P.CASE_VIEW)
    when = queries.MISSED if request.GET.get("show") == queries.MISSED else queries.UPCOMING
    page = queries.diary(request.user, when=when, page=as_page(request.GET.get("page")))
    return render(request, "court/diary.html", {"page": page, "when": when, "today": timezone.localdate()})

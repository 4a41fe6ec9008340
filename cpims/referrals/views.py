"""Referral and transfer pages. Thin: parse the form, call a query or an action, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedRequest
from cpims.cases import queries as case_queries
from cpims.core.forms import as_page
from cpims.core.formviews import form_view, pick
from cpims.referrals import actions, forms, queries
from cpims.referrals.models import Referral, Transfer


def _page_number(request: HttpRequest) -> int:
    return as_page(request.GET.get("page"))


def _tabs(request: AuthenticatedRequest) -> dict[str, bool]:
    return {
        "can_receive": scope.has_perm(request.user, P.REFERRAL_RECEIVE),
        "can_send": scope.has_perm(request.user, P.CASE_REFER),
        "can_transfer": scope.has_perm(request.user, P.CASE_TRANSFER),
    }


def _status(request: HttpRequest) -> str:
    value = request.GET.get("status", "")
    return value if value in Referral.Status.values else ""


def _to_detail(referral: Referral) -> HttpResponse:
    return redirect("referrals:detail", public_id=referral.public_id)


def _to_transfer(transfer: Transfer) -> HttpResponse:
    return redirect("referrals:transfer_detail", public_id=transfer.public_id)


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _if_stale(request: HttpRequest, back: HttpResponse) -> Callable[[ValidationError], HttpResponse | None]:
    """A stale answer (someone else answered first) is a message and ``back``; other refusals go
    onto the form."""

    def refused(exc: ValidationError) -> HttpResponse | None:
        if getattr(exc, "code", None) != "stale":
            return None
        _refused(request, exc)
        return back

    return refused


# --- lists ------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.REFERRAL_RECEIVE)
    status = _status(request)
    page = queries.inbox(request.user, status=status, page=_page_number(request))
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Referral.Status.choices,
            "inbox": True,
            "title": _("Referrals received"),
            **_tabs(request),
        },
    )


@login_required
@require_GET
def sent(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.CASE_REFER)
    status = _status(request)
    page = queries.sent(request.user, status=status, page=_page_number(request))
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Referral.Status.choices,
            "inbox": False,
            "title": _("Referrals sent"),
            **_tabs(request),
        },
    )


def _picker_initial(request: HttpRequest) -> dict[str, Any]:
    return {name: request.GET[name] for name in ("county", "kind") if request.GET.get(name)}


# --- one referral -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedRequest, case_id: Any) -> HttpResponse:
    case = case_queries.case_for(request.user, case_id, write=P.CASE_REFER)
    from_offices = queries.referring_units(request.user, case)
    may_override = scope.can(request.user, P.CONSENT_OVERRIDE, case)
    data = request.POST if request.method == "POST" else None
    form = forms.ReferralForm(
        data,
        user=request.user,
        county=case.county_id,
        from_offices=from_offices,
        may_override=may_override,
        # Without JavaScript, "Show units" sends county and type back as a GET.
        initial={"urgency": Referral.Urgency.ROUTINE, **_picker_initial(request)},
    )
    return form_view(
        request,
        form,
        lambda d: actions.referral_send(
            actor=request.user,
            case=case,
            consent_override=bool(d.get("consent_override")),
            override_reason=d.get("override_reason", ""),
            request=request,
            **pick(d, "to_unit", "reason", "urgency", "service_requested", "destination_class", "from_office"),
        ),
        then=lambda _result: redirect("cases:case_detail", public_id=case.public_id),
        success=lambda referral: _("Referral sent to %(unit)s.") % {"unit": referral.to_unit.name},
        template="referrals/referral_form.html",
        context={"case": case, "title": _("Refer the case")},
    )


@login_required
@require_GET
def detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    referral = queries.referral_for(request.user, public_id)
    return render(request, "referrals/detail.html", {"p": queries.referral_page(request.user, referral)})


@login_required
@require_POST
def accept(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    referral = queries.referral_for(request.user, public_id, answer=True)
    try:
        actions.referral_accept(actor=request.user, referral=referral, request=request)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Referral accepted: your unit can now see the case."))
    return _to_detail(referral)


def _answer_form(
    request: AuthenticatedRequest,
    public_id: Any,
    *,
    form_class: Any,
    title: str,
    run: Any,
    done: str,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    referral = queries.referral_for(request.user, public_id, answer=True)
    return _referral_form(
        request, referral, form_class(request.POST or None, initial=initial), run, title=title, done=done
    )


def _referral_form(
    request: HttpRequest, referral: Referral, form: Any, run: Any, *, title: str, done: str, **context: Any
) -> HttpResponse:
    return form_view(
        request,
        form,
        lambda d: run(referral, d),
        then=lambda _result: _to_detail(referral),
        success=done,
        refused=_if_stale(request, _to_detail(referral)),
        template="referrals/answer_form.html",
        context={"referral": referral, "title": title, **context},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _answer_form(
        request,
        public_id,
        form_class=forms.ReasonForm,
        title=_("Decline the referral"),
        run=lambda r, d: actions.referral_decline(actor=request.user, referral=r, reason=d["reason"], request=request),
        done=_("Referral declined."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    referral = queries.referral_for(request.user, public_id, withdraw=True)
    return _referral_form(
        request,
        referral,
        forms.ReasonForm(request.POST or None),
        lambda r, d: actions.referral_withdraw(actor=request.user, referral=r, reason=d["reason"], request=request),
        title=_("Withdraw the referral"),
        done=_("Referral withdrawn."),
        danger=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_add(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _answer_form(
        request,
        public_id,
        form_class=forms.ServiceForm,
        title=_("Record a service"),
        initial={"given_on": timezone.localdate()},
        run=lambda r, d: actions.referral_service_record(
            actor=request.user, referral=r, request=request, **pick(d, "service", "given_on", "notes")
        ),
        done=_("Service recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def complete(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _answer_form(
        request,
        public_id,
        form_class=forms.CompleteForm,
        title=_("Complete the referral"),
        run=lambda r, d: actions.referral_complete(actor=request.user, referral=r, notes=d["notes"], request=request),
        done=_("Referral completed; your unit's access to the case has ended."),
    )


# --- transfers --------------------------------------------------------------------------------


@login_required
@require_GET
def transfer_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.CASE_TRANSFER)
    incoming = request.GET.get("incoming") == "1"
    page = queries.transfer_list(request.user, page=_page_number(request), incoming=incoming)
    return render(request, "referrals/transfer_list.html", {"page": page, "incoming": incoming})


@login_required
@require_http_methods(["GET", "POST"])
def transfer_create(request: AuthenticatedRequest, case_id: Any) -> HttpResponse:
    case = case_queries.case_for(request.user, case_id, write=P.CASE_TRANSFER)
    form = forms.TransferForm(
        request.POST or None, user=request.user, exclude_office=case.office, initial=_picker_initial(request)
    )
    return form_view(
        request,
        form,
        lambda d: actions.transfer_request(
            actor=request.user, case=case, request=request, **pick(d, "to_office", "reason")
        ),
        then=lambda _result: redirect("cases:case_detail", public_id=case.public_id),
        success=lambda transfer: _("Transfer to %(office)s requested.") % {"office": transfer.to_office.name},
        template="referrals/transfer_form.html",
        context={"case": case, "title": _("Transfer the case")},
    )


@login_required
@require_GET
def transfer_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    transfer = queries.transfer_for(request.user, public_id)
    return render(
        request,
        "referrals/transfer_detail.html",
        {
            "transfer": transfer,
            "can_answer": queries.holds_at(request.user, P.CASE_TRANSFER, transfer.to_office),
            "can_see_case": scope.can(request.user, P.CASE_VIEW, transfer.case),
            "can_withdraw": transfer.status == Transfer.Status.PENDING
            and queries.may_withdraw_transfer(request.user, transfer),
        },
    )


@login_required
@require_POST
def transfer_accept(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    transfer = queries.transfer_for(request.user, public_id, answer=True)
    try:
        actions.transfer_accept(actor=request.user, transfer=transfer, request=request)
    except ValidationError as exc:
        _refused(request, exc)
        return _to_transfer(transfer)
    messages.success(request, _("Transfer accepted: the case now belongs to your office."))
    return redirect("cases:case_detail", public_id=transfer.case.public_id)


def _transfer_answer(
    request: AuthenticatedRequest, transfer: Transfer, action: Any, *, title: str, done: str
) -> HttpResponse:
    """Decline or withdraw a transfer, with a reason."""
    return form_view(
        request,
        forms.ReasonForm(request.POST or None),
        lambda d: action(actor=request.user, transfer=transfer, reason=d["reason"], request=request),
        then=lambda _result: _to_transfer(transfer),
        success=done,
        refused=_if_stale(request, _to_transfer(transfer)),
        template="referrals/transfer_answer_form.html",
        context={"transfer": transfer, "title": title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_decline(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    transfer = queries.transfer_for(request.user, public_id, answer=True)
    return _transfer_answer(
        request, transfer, actions.transfer_decline, title=_("Decline the transfer"), done=_("Transfer declined.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_withdraw(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    transfer = queries.transfer_for(request.user, public_id, withdraw=True)
    return _transfer_answer(
        request, transfer, actions.transfer_withdraw, title=_("Withdraw the transfer"), done=_("Transfer withdrawn.")
    )

"""Care pages. Thin: parse the form, call a query or an action, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.accounts.types import AuthenticatedRequest
from cpims.audit.actions import audit_record
from cpims.audit.models import AuditEvent
from cpims.care import actions, forms, queries
from cpims.care.models import CapacityRow
from cpims.cases import queries as case_queries
from cpims.core.forms import as_page
from cpims.core.formviews import form_view, pick
from cpims.registry import queries as registry_queries
from cpims.registry.numbers import normalise_number


def _form(
    request: HttpRequest, form: Any, action: Any, *, then: Any, success: str, context: dict[str, Any]
) -> HttpResponse:
    """The care form page: run the action on a valid POST, else show the form (400 with errors)."""
    return form_view(
        request,
        form,
        action,
        then=then,
        template="care/form.html",
        context=context,
        success=success,
        invalid_status=400,
    )


def _to_placement(placement: Any) -> HttpResponse:
    return redirect("care:placement_detail", public_id=placement.public_id)


# --- placements ---------------------------------------------------------------------------------


@login_required
@require_GET
def placement_list(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.PLACEMENT_VIEW)
    show = request.GET.get("show")
    show = show if show in (queries.ACTIVE, queries.ENDED, queries.ALL) else queries.ACTIVE
    page = queries.placement_list(request.user, show=show, page=as_page(request.GET.get("page")))
    return render(request, "care/placement_list.html", {"page": page, "show": show})


@login_required
@require_http_methods(["GET", "POST"])
def placement_create(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """Admit a child (optionally ``?case=<public id>``, the case that placed them)."""
    scope.require_perm(request.user, P.PLACEMENT_MANAGE)
    found_born = None
    try:
        child = registry_queries.person_for(request.user, public_id)
    except Http404:
        # A child registered elsewhere, found by number and date of birth on the lookup page.
        child, found_born = _found_elsewhere(request, public_id)
    case = None
    if request.GET.get("case") and found_born is None:
        case = case_queries.case_for(request.user, request.GET["case"])
    today = timezone.localdate()
    form = forms.AdmitForm(
        request.POST or None, initial={"admitted_on": today, "first_review_due": today + dt.timedelta(days=30)}
    )
    title = _("Admit %(child)s to care") % {"child": child.full_name}
    return _form(
        request,
        form,
        lambda d: actions.placement_admit(
            actor=request.user,
            child=child,
            case=case,
            order=form.order(),
            found_with_birth_date=found_born,
            request=request,
            **pick(d, *forms.ADMISSION_FIELDS, "first_review_due", "notes"),
        ),
        then=_to_placement,
        success=_("Child admitted."),
        context={"title": title, "subtitle": case.case_number if case else child.cpims_number},
    )


# The children this user found by number and date of birth (session), to admit them next.
FOUND_ELSEWHERE = "care.admit_found"


def _found_elsewhere(request: HttpRequest, public_id: Any) -> tuple[Any, dt.date]:
    """The child this session found by CPIMS number and date of birth (checked again), else 404."""
    found = request.session.get(FOUND_ELSEWHERE, {}).get(str(public_id))
    child = None
    if found:
        born = dt.date.fromisoformat(found["born"])
        child = registry_queries.child_by_number_and_birth(found["number"], born)
    if child is None or str(child.public_id) != str(public_id):
        raise Http404
    return child, born


@login_required
@require_http_methods(["GET", "POST"])
def admit_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """Find the child to admit by CPIMS number; a child registered by another office by CPIMS
    number and date of birth together (no partial match, no list; every attempt audited, and
    after too many unsuccessful ones the lookup waits)."""
    scope.require_perm(request.user, P.PLACEMENT_MANAGE)
    data = request.POST if request.method == "POST" else request.GET
    form = forms.AdmitLookupForm(data if data.get("number") else None)
    error, status = "", 200
    if form.is_bound and form.is_valid():
        if queries.lookups_exhausted(request.user):
            audit_record(
                actor=request.user, action="placement.admit_lookup", outcome=AuditEvent.Outcome.DENIED, request=request
            )
            error, status = _("Too many unsuccessful attempts. Try again in an hour."), 429
        else:
            child = _lookup(request, form.cleaned_data["number"], form.cleaned_data.get("date_of_birth"))
            if child is not None:
                return redirect("care:placement_create", public_id=child.public_id)
            error, status = (
                _(
                    "No child found with this CPIMS number and date of birth. For a child registered by another "
                    "office, enter both exactly as on the child's record."
                ),
                404,
            )
    return render(request, "care/admit_lookup.html", {"form": form, "error": error}, status=status)


def _lookup(request: AuthenticatedRequest, number: str, born: dt.date | None) -> Any:
    """The child by number among the user's records, else anywhere by number and date of birth.
    Audited either way; the number typed is recorded only when it found a child."""
    canonical = normalise_number(number)
    child = (
        registry_queries.people_visible_to(request.user).filter(cpims_number=canonical, kind="child").first()
        if canonical
        else None
    )
    elsewhere = None
    if child is None and born is not None:
        elsewhere = child = registry_queries.child_by_number_and_birth(number, born)
    audit_record(
        actor=request.user,
        action="placement.admit_lookup",
        obj=child,
        object_label=child.cpims_number if child is not None else "",
        outcome=AuditEvent.Outcome.SUCCESS if child is not None else AuditEvent.Outcome.FAILURE,
        request=request,
        details={"with_birth_date": born is not None, "outside_scope": elsewhere is not None},
    )
    if elsewhere is not None and born is not None:
        found = dict(list(request.session.get(FOUND_ELSEWHERE, {}).items())[-9:])
        found[str(elsewhere.public_id)] = {"number": elsewhere.cpims_number, "born": born.isoformat()}
        request.session[FOUND_ELSEWHERE] = found
    return child


@login_required
@require_GET
def placement_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    placement = queries.placement_for(request.user, public_id)
    detail = queries.placement_detail(request.user, placement)
    audit_record(
        actor=request.user,
        action="placement.view",
        obj=placement,
        request=request,
        details={"child": str(placement.child.public_id)},
    )
    return render(
        request,
        "care/placement_detail.html",
        {
            "p": placement,
            "detail": detail,
            "today": timezone.localdate(),
            # No link to an institution page the reader cannot open (404).
            "institution_link": placement.institution_id is not None
            and queries.institutions_visible_to(request.user).filter(pk=placement.institution_id).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_edit(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    placement = queries.placement_for(request.user, public_id, write=P.PLACEMENT_MANAGE)
    initial = {
        "admission_type": placement.admission_type_id,
        "admission_reason": placement.admission_reason_id,
        "court": placement.court_id,
        "court_name": placement.court_name,
        "order_number": placement.order_number,
        "order_date": placement.order_date,
        "order_period_months": placement.order_period_months,
        "caregiver_name": placement.caregiver_name,
        "notes": placement.notes,
        "version": placement.version,
    }
    form = forms.PlacementEditForm(request.POST or None, initial=initial)
    return _form(
        request,
        form,
        lambda d: actions.placement_update(
            actor=request.user,
            placement=placement,
            expected_version=d.get("version"),
            order=form.order(),
            request=request,
            **pick(d, "admission_type", "admission_reason", "caregiver_name", "notes"),
        ),
        then=lambda _result: _to_placement(placement),
        success=_("Placement saved."),
        context={"title": _("Edit admission and court order"), "subtitle": placement.where, "p": placement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_status(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    placement = queries.placement_for(request.user, public_id, write=P.PLACEMENT_MANAGE)
    form = forms.StatusForm(
        request.POST or None,
        current=placement.status,
        initial={"on": timezone.localdate(), "version": placement.version},
    )
    return _form(
        request,
        form,
        lambda d: actions.placement_status_change(
            actor=request.user,
            placement=placement,
            expected_version=d.get("version"),
            request=request,
            **pick(d, "status", "on", "discharge_type", "follow_up_due", "notes"),
        ),
        then=lambda _result: _to_placement(placement),
        success=_("Status recorded."),
        context={"title": _("Change status or discharge"), "subtitle": placement.where, "p": placement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_transfer(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    placement = queries.placement_for(request.user, public_id, write=P.PLACEMENT_MANAGE)
    form = forms.TransferForm(request.POST or None, initial={"on": timezone.localdate(), "version": placement.version})
    # The child's new placement may be at an institution this user cannot see.
    return _form(
        request,
        form,
        lambda d: actions.placement_transfer(
            actor=request.user,
            placement=placement,
            expected_version=d.get("version"),
            request=request,
            **pick(d, "to_institution", "on", "notes"),
        ),
        then=lambda nxt: _to_placement(nxt if scope.can(request.user, P.PLACEMENT_VIEW, nxt) else placement),
        success=_("Child transferred."),
        context={"title": _("Transfer to another institution"), "subtitle": placement.where, "p": placement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_add(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    placement = queries.placement_for(request.user, public_id, write=P.PLACEMENT_MANAGE)
    form = forms.ReviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _form(
        request,
        form,
        lambda d: actions.review_add(
            actor=request.user,
            placement=placement,
            request=request,
            **pick(d, "kind", "held_on", "due_on", "next_due_on", "notes"),
        ),
        then=lambda _result: _to_placement(placement),
        success=_("Review saved."),
        context={"title": _("Review"), "subtitle": placement.where, "p": placement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_add(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    placement = queries.placement_for(request.user, public_id, write=P.PLACEMENT_MANAGE)
    form = forms.FollowUpForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    return _form(
        request,
        form,
        lambda d: actions.followup_record(
            actor=request.user,
            placement=placement,
            request=request,
            **pick(d, "visited_on", "outcome", "due_on", "notes"),
        ),
        then=lambda _result: _to_placement(placement),
        success=_("Follow-up saved."),
        context={"title": _("Post-discharge follow-up"), "subtitle": placement.where, "p": placement},
    )


@login_required
@require_GET
def alerts(request: AuthenticatedRequest) -> HttpResponse:
    scope.require_perm(request.user, P.PLACEMENT_VIEW)
    return render(request, "care/alerts.html", {"alerts": queries.alerts(request.user), "today": timezone.localdate()})


# --- institutions -------------------------------------------------------------------------------


def _require_institution_pages(user: User) -> None:
    if not (scope.has_perm(user, P.PLACEMENT_VIEW) or scope.has_perm(user, P.ORGUNIT_MANAGE)):
        raise PermissionDenied


@login_required
@require_GET
def institution_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_institution_pages(request.user)
    q = (request.GET.get("q") or "").strip()
    page = queries.institution_list(request.user, page=as_page(request.GET.get("page")), q=q)
    return render(request, "care/institution_list.html", {"page": page, "q": q})


def _parse_on(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def institution_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    unit = queries.institution_for(request.user, public_id)
    on = _parse_on(request.GET.get("on"))
    pop = queries.population(request.user, unit, on=on)
    profile = queries.profile_of(unit)
    roll = None
    if scope.has_perm(request.user, P.PLACEMENT_VIEW):
        roll = queries.placement_list(
            request.user, show=queries.ACTIVE, institution=unit, page=as_page(request.GET.get("page"))
        )
    return render(
        request,
        "care/institution_detail.html",
        {
            "unit": unit,
            "profile": profile,
            "pop": pop,
            "roll": roll,
            "can_edit": queries.can_manage_institution(request.user, unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    unit = queries.institution_for(request.user, public_id, write=True)
    profile = queries.profile_of(unit)
    initial: dict[str, Any] = {"is_open": True, "registration_status": "unregistered"}
    if profile is not None:
        initial = {
            "registration_status": profile.registration_status,
            "registration_number": profile.registration_number,
            "registered_on": profile.registered_on,
            "institution_type": profile.institution_type_id,
            "serves": profile.serves_id,
            "is_open": profile.is_open,
            "closed_on": profile.closed_on,
            "notes": profile.notes,
            "version": profile.version,
        }
        for i, row in enumerate(list(profile.capacity_rows.all())[: forms.CAPACITY_ROWS]):
            initial |= {f"cap_sex_{i}": row.sex, f"cap_band_{i}": row.band, f"cap_places_{i}": row.places}
    else:
        initial["cap_sex_0"], initial["cap_band_0"] = CapacityRow.ANY, CapacityRow.ANY
    form = forms.InstitutionForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: actions.institution_save(
            actor=request.user,
            org_unit=unit,
            expected_version=d.get("version"),
            capacity=form.capacity(),
            request=request,
            **pick(
                d,
                "registration_status",
                "registration_number",
                "registered_on",
                "institution_type",
                "serves",
                "is_open",
                "closed_on",
                "notes",
            ),
        ),
        then=lambda _result: redirect("care:institution_detail", public_id=unit.public_id),
        success=_("Institution saved."),
        template="care/institution_form.html",
        context={"unit": unit},
        invalid_status=400,
    )

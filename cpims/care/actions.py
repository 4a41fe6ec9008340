"""Every write to care records. Keyword-only, typed; each action is one transaction that checks
the actor's scope (``placement.manage``), validates, writes and records one audit event.

Problems raise ``ValidationError`` (translatable messages keyed by field), ``StaleEdit`` (someone
changed the record since the editor read it), ``PermissionDenied`` or ``Http404``; nothing is
written then. The invariants the database can hold (one active placement per child, a placement
ends on or after its admission) are also constraints in ``models.py``; these actions check them
first so the user gets a clear message instead of an integrity error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.audit.actions import audit_record
from cpims.care.models import (
    ADMISSION_REASON_LIST,
    ADMISSION_TYPE_LIST,
    CARE_TYPE_LIST,
    DISCHARGE_TYPE_LIST,
    INSTITUTION_CARE_TYPES,
    INSTITUTION_TYPE_LIST,
    INSTITUTIONAL_CARE,
    KIND_TO_INSTITUTION_TYPE,
    REINTEGRATION,
    TRANSFER_IN,
    CapacityRow,
    FollowUp,
    Institution,
    Placement,
    Review,
    StatusChange,
)
from cpims.cases.actions import StaleEdit
from cpims.core import ages
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit

Errors = dict[str, list[str]]
MAX_TEXT = 5000


# --- helpers ----------------------------------------------------------------------------------


def _in_list(code: Any, list_name: str) -> bool:
    return isinstance(code, Code) and code.code_list.name == list_name


def _add(errors: Errors, fld: str, message: str) -> None:
    errors.setdefault(fld, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _short(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def add_months(day: dt.date, months: int) -> dt.date:
    from cpims.court.actions import add_months as court_add_months

    return court_add_months(day, months)


def _text(errors: Errors, fld: str, value: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        _add(errors, fld, _("Use at most %(n)d characters.") % {"n": limit})
    return value


def _date(errors: Errors, fld: str, value: dt.date | None, missing: str, *, not_future: bool = True) -> None:
    if value is None:
        _add(errors, fld, missing)
    elif not_future and value > timezone.localdate():
        _add(errors, fld, _("This date cannot be in the future."))


def _audit(actor: Any, action: str, placement: Placement, request: HttpRequest | None, **details: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=placement,
        request=request,
        details={"child": str(placement.child.public_id), **details},
    )


def _lock_placement(actor: Any, placement: Placement) -> Placement:
    """The placement row locked for this transaction, if ``actor`` may manage it (404 / 403)."""
    list(Placement.objects.select_for_update().filter(pk=placement.pk).values_list("pk", flat=True))
    return scope.get_for(
        actor,
        Placement.objects.select_related("child", "institution", "care_type", "case"),
        view=P.PLACEMENT_VIEW,
        write=P.PLACEMENT_MANAGE,
        pk=placement.pk,
    )


def _stale(placement: Placement, expected_version: int | None) -> None:
    if expected_version is not None and placement.version != expected_version:
        last = StatusChange.objects.filter(placement=placement).select_related("recorded_by").order_by("-id").first()
        what = (
            _("status %(status)s on %(date)s by %(user)s")
            % {
                "status": last.get_status_display(),
                "date": _short(last.on),
                "user": last.recorded_by.get_username() if last.recorded_by else "-",
            }
            if last
            else _("unknown change")
        )
        raise StaleEdit(
            _(
                "Someone else changed this placement after you opened it (latest: %(what)s). Nothing was saved: "
                "reload the page, check their changes and make yours again."
            )
            % {"what": what},
            code="stale",
        )


def institution_closed_message(unit: OrgUnit) -> str:
    return _("%(name)s is closed: a child cannot be placed there. Choose an open institution.") % {"name": unit.name}


def _check_institution(errors: Errors, fld: str, unit: Any) -> None:
    if not isinstance(unit, OrgUnit) or not unit.is_institution:
        _add(errors, fld, _("Choose a children's institution (CCI or statutory institution)."))
        return
    profile = Institution.objects.filter(org_unit=unit).first()
    if not unit.is_active or (profile is not None and not profile.is_open):
        _add(errors, fld, institution_closed_message(unit))


def _overlap_message(other: Placement) -> str:
    if other.ended_on is None:
        return _(
            "This child is already in care (%(where)s, since %(date)s). Transfer or discharge that placement first."
        ) % {"where": other.where, "date": _short(other.admitted_on)}
    return _("This child was in care (%(where)s) until %(date)s: the new admission cannot start before that.") % {
        "where": other.where,
        "date": _short(other.ended_on),
    }


def _overlapping(child_id: int, admitted_on: dt.date, exclude: int | None = None) -> Placement | None:
    """A placement of the child that is still active, or that ended after ``admitted_on``."""
    qs = Placement.objects.filter(child_id=child_id).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=admitted_on))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("institution", "care_type").order_by("-admitted_on").first()


# --- placements -------------------------------------------------------------------------------


@dataclass
class OrderInput:
    """The committal or court order a child is held under (all optional)."""

    court: OrgUnit | None = None
    court_name: str = ""
    number: str = ""
    date: dt.date | None = None
    period_months: int | None = None


def _validate_order(errors: Errors, order: OrderInput, admitted_on: dt.date | None) -> dt.date | None:
    if order.court is not None and (not isinstance(order.court, OrgUnit) or order.court.kind != OrgUnit.Kind.COURT):
        _add(errors, "court", _("Choose a children's court from the list."))
    _text(errors, "court_name", order.court_name, 200)
    _text(errors, "order_number", order.number, 60)
    if order.date is not None and order.date > timezone.localdate():
        _add(errors, "order_date", _("The date of the order cannot be in the future."))
    if order.period_months is not None and not (1 <= order.period_months <= 240):
        _add(errors, "order_period_months", _("Enter a period between 1 and 240 months."))
    if order.period_months and order.date is None:
        _add(errors, "order_date", _("Enter the date of the order: its period counts from that date."))
    has_order = bool(order.court or order.court_name.strip() or order.number.strip() or order.date)
    if has_order and order.date is None and "order_date" not in errors:
        _add(errors, "order_date", _("Enter the date of the order."))
    if order.date and order.period_months and 1 <= order.period_months <= 240:
        return add_months(order.date, order.period_months)
    return None


def placement_admit(
    *,
    actor: Any,
    child: Any,
    care_type: Code,
    admitted_on: dt.date,
    admission_type: Code,
    admission_reason: Code,
    institution: OrgUnit | None = None,
    case: Any = None,
    caregiver_name: str = "",
    location: Area | None = None,
    order: OrderInput | None = None,
    first_review_due: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
    _previous: Placement | None = None,
) -> Placement:
    """Admit ``child`` to an institution or place them in alternative family care.

    The actor must see the child (and the case, if given) and manage placements where the child
    is placed or at the responsible office. Refused, with a message and nothing written: a
    closed institution, a child already in care, an admission in the future or before birth.
    """
    from cpims.cases.models import Case
    from cpims.registry.models import Person

    order = order or OrderInput()
    with transaction.atomic():
        # The child and case must be within the actor's sight (404 otherwise). A transfer was
        # already authorised on the placement it closes (_previous), so it skips these checks.
        if _previous is None:
            child = scope.get_for(actor, Person.objects.filter(is_active=True), view=P.CHILD_VIEW, pk=child.pk)
            if case is not None:
                case = scope.get_for(actor, Case.objects.all(), view=P.CASE_VIEW, pk=case.pk)
        if child.kind != Person.Kind.CHILD:
            raise ValidationError({"child": [_("Only a child can be placed in care.")]})
        # Serialise admissions of one child: the person row is locked until this transaction ends.
        list(Person.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
        errors: Errors = {}
        if case is not None and case.child_id != child.pk:
            _add(errors, "case", _("This case is about another child."))
        if not _in_list(care_type, CARE_TYPE_LIST):
            _add(errors, "care_type", _("Choose the type of care from the DCS list."))
        in_institution = _in_list(care_type, CARE_TYPE_LIST) and care_type.code in INSTITUTION_CARE_TYPES
        if institution is not None:
            if not in_institution:
                _add(
                    errors, "institution", _("Family-based care is not in an institution: leave the institution empty.")
                )
            else:
                _check_institution(errors, "institution", institution)
        elif _in_list(care_type, CARE_TYPE_LIST) and care_type.code == INSTITUTIONAL_CARE:
            _add(errors, "institution", _("Choose the institution the child is admitted to."))
        if institution is None and not (caregiver_name or "").strip() and not in_institution:
            _add(errors, "caregiver_name", _("Enter the family or caregiver the child is placed with."))
        caregiver_name = _text(errors, "caregiver_name", caregiver_name, 200)
        notes = _text(errors, "notes", notes)
        _date(errors, "admitted_on", admitted_on, _("Enter the date of admission."))
        if admitted_on and child.date_of_birth and admitted_on < child.date_of_birth:
            _add(errors, "admitted_on", _("The date of admission cannot be before the child's date of birth."))
        if not _in_list(admission_type, ADMISSION_TYPE_LIST):
            _add(errors, "admission_type", _("Choose the type of admission from the DCS list."))
        if not _in_list(admission_reason, ADMISSION_REASON_LIST):
            _add(errors, "admission_reason", _("Choose the reason for admission from the DCS list."))
        expires_on = _validate_order(errors, order, admitted_on)
        if first_review_due is not None and admitted_on and first_review_due < admitted_on:
            _add(errors, "first_review_due", _("The first review cannot be due before the admission."))
        if admitted_on and "admitted_on" not in errors:
            other = _overlapping(child.pk, admitted_on)
            if other is not None:
                _add(errors, "child", _overlap_message(other))
        _raise(errors)

        if institution is None and location is None:
            location = child.ward  # family care: where the family lives, by default the child's home
        where = institution or location
        office = case.office if case is not None else None
        county_id = where.county_id if where is not None else (office.county_id if office else None)
        sub_county_id = where.sub_county_id if where is not None else (office.sub_county_id if office else None)
        try:
            with transaction.atomic():
                placement = Placement.objects.create(
                    child=child,
                    case=case,
                    care_type=care_type,
                    institution=institution,
                    caregiver_name=caregiver_name,
                    location=location,
                    office=office,
                    county_id=county_id,
                    sub_county_id=sub_county_id,
                    admitted_on=admitted_on,
                    admission_type=admission_type,
                    admission_reason=admission_reason,
                    court=order.court,
                    court_name="" if order.court else order.court_name.strip(),
                    order_number=order.number.strip(),
                    order_date=order.date,
                    order_period_months=order.period_months,
                    order_expires_on=expires_on,
                    status=Placement.Status.RESIDENT,
                    status_on=admitted_on,
                    previous=_previous,
                    notes=notes,
                    created_by=actor,
                )
        except IntegrityError as exc:  # a concurrent admission won the race
            raise ValidationError({"child": [_("This child is already in care: reload the page.")]}) from exc
        # The actor must manage placements where this one lands (the institution, the area or the
        # responsible office); otherwise the whole transaction is undone.
        if _previous is None and not scope.can(actor, P.PLACEMENT_MANAGE, placement):
            raise PermissionDenied
        StatusChange.objects.create(
            placement=placement, status=Placement.Status.RESIDENT, on=admitted_on, recorded_by=actor
        )
        if first_review_due is not None:
            Review.objects.create(
                placement=placement, kind=Review.Kind.CARE_PLAN, due_on=first_review_due, recorded_by=actor
            )
        _audit(
            actor,
            "placement.admit",
            placement,
            request,
            care_type=care_type.code,
            institution=str(institution.public_id) if institution else None,
            admitted_on=admitted_on.isoformat(),
            previous=str(_previous.public_id) if _previous else None,
        )
    return placement


def placement_update(
    *,
    actor: Any,
    placement: Placement,
    expected_version: int | None,
    admission_type: Code,
    admission_reason: Code,
    order: OrderInput,
    caregiver_name: str = "",
    notes: str = "",
    request: HttpRequest | None = None,
) -> Placement:
    """Correct the admission details and the court order of a placement (stale edits refused)."""
    with transaction.atomic():
        current = _lock_placement(actor, placement)
        _stale(current, expected_version)
        errors: Errors = {}
        if not _in_list(admission_type, ADMISSION_TYPE_LIST):
            _add(errors, "admission_type", _("Choose the type of admission from the DCS list."))
        if not _in_list(admission_reason, ADMISSION_REASON_LIST):
            _add(errors, "admission_reason", _("Choose the reason for admission from the DCS list."))
        expires_on = _validate_order(errors, order, current.admitted_on)
        caregiver_name = _text(errors, "caregiver_name", caregiver_name, 200)
        if current.institution_id is None and not caregiver_name:
            _add(errors, "caregiver_name", _("Enter the family or caregiver the child is placed with."))
        notes = _text(errors, "notes", notes)
        _raise(errors)
        current.admission_type, current.admission_reason = admission_type, admission_reason
        current.court = order.court
        current.court_name = "" if order.court else order.court_name.strip()
        current.order_number, current.order_date = order.number.strip(), order.date
        current.order_period_months, current.order_expires_on = order.period_months, expires_on
        current.caregiver_name, current.notes = caregiver_name, notes
        current.version += 1
        current.save()
        _audit(actor, "placement.update", current, request, version=current.version)
    return current


# Status changes a placement may make (transfer has its own action: it opens the next placement).
ALLOWED: dict[str, frozenset[str]] = {
    "resident": frozenset({"on_leave", "escaped", "discharged", "reintegrated", "died"}),
    "on_leave": frozenset({"resident", "escaped", "discharged", "reintegrated", "died"}),
    "escaped": frozenset({"resident", "discharged", "died"}),
}


def placement_status_change(
    *,
    actor: Any,
    placement: Placement,
    status: str,
    on: dt.date,
    expected_version: int | None = None,
    discharge_type: Code | None = None,
    follow_up_due: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Placement:
    """Record a dated status change: on leave, back (resident), escaped, discharged (with its
    discharge type), reintegrated with family, died. Ending statuses end the placement."""
    with transaction.atomic():
        current = _lock_placement(actor, placement)
        _stale(current, expected_version)
        errors: Errors = {}
        if current.ended_on is not None:
            raise ValidationError(
                _("This placement ended on %(date)s: nothing more can change on it.")
                % {"date": _short(current.ended_on)},
                code="ended",
            )
        if status == Placement.Status.TRANSFERRED:
            _add(errors, "status", _("Use the transfer page: it closes this placement and opens the next one."))
        elif status not in ALLOWED.get(current.status, frozenset()):
            _add(
                errors,
                "status",
                _("A child who is %(now)s cannot change to this status.") % {"now": current.get_status_display()},
            )
        _date(errors, "on", on, _("Enter the date of the change."))
        if on is not None and on < current.admitted_on:
            label = _("discharge") if status in Placement.ENDING else _("change")
            _add(
                errors,
                "on",
                _("The date of %(what)s cannot be before the admission on %(date)s.")
                % {"what": label, "date": _short(current.admitted_on)},
            )
        elif on is not None and on < current.status_on:
            _add(
                errors,
                "on",
                _("The date cannot be before the current status (%(status)s since %(date)s).")
                % {"status": current.get_status_display(), "date": _short(current.status_on)},
            )
        if status == Placement.Status.REINTEGRATED and discharge_type is None:
            discharge_type = (
                Code.objects.select_related("code_list")
                .filter(code_list__name=DISCHARGE_TYPE_LIST, code=REINTEGRATION)
                .first()
            )
        if status in (Placement.Status.DISCHARGED, Placement.Status.REINTEGRATED):
            if not _in_list(discharge_type, DISCHARGE_TYPE_LIST):
                _add(errors, "discharge_type", _("Choose the type of discharge from the DCS list."))
        else:
            discharge_type = None
        if follow_up_due is not None:
            if status not in (Placement.Status.DISCHARGED, Placement.Status.REINTEGRATED):
                _add(errors, "follow_up_due", _("A follow-up is planned only after a discharge."))
            elif on is not None and follow_up_due < on:
                _add(errors, "follow_up_due", _("The follow-up cannot be due before the discharge."))
        notes = _text(errors, "notes", notes)
        _raise(errors)
        _set_status(current, status, on, discharge_type, notes, actor)
        if follow_up_due is not None:
            FollowUp.objects.create(placement=current, due_on=follow_up_due, recorded_by=actor)
        _audit(
            actor,
            "placement.status",
            current,
            request,
            status=status,
            on=on.isoformat(),
            discharge_type=discharge_type.code if discharge_type else None,
        )
    return current


def _set_status(
    placement: Placement, status: str, on: dt.date, discharge_type: Code | None, notes: str, actor: Any
) -> None:
    StatusChange.objects.create(
        placement=placement, status=status, on=on, discharge_type=discharge_type, notes=notes, recorded_by=actor
    )
    placement.status, placement.status_on = status, on
    if status in Placement.ENDING:
        placement.ended_on = on
        placement.discharge_type = discharge_type
    placement.version += 1
    placement.save()


def placement_transfer(
    *,
    actor: Any,
    placement: Placement,
    to_institution: OrgUnit,
    on: dt.date,
    expected_version: int | None = None,
    admission_type: Code | None = None,
    care_type: Code | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Placement:
    """Transfer a child to another institution: one transaction closes this placement (status
    *transferred* on ``on``) and opens the next (admitted on ``on``, type *transfer in*), which
    keeps the case, the reason and the court order. Returns the new placement."""
    with transaction.atomic():
        current = _lock_placement(actor, placement)
        _stale(current, expected_version)
        errors: Errors = {}
        if current.ended_on is not None:
            raise ValidationError(
                _("This placement ended on %(date)s: nothing more can change on it.")
                % {"date": _short(current.ended_on)},
                code="ended",
            )
        _check_institution(errors, "to_institution", to_institution)
        if isinstance(to_institution, OrgUnit) and to_institution.pk == current.institution_id:
            _add(errors, "to_institution", _("The child is already in this institution."))
        _date(errors, "on", on, _("Enter the date of the transfer."))
        if on is not None and on < current.status_on:
            _add(
                errors,
                "on",
                _("The transfer cannot be dated before %(date)s (admission or last status change).")
                % {"date": _short(current.status_on)},
            )
        if admission_type is None:
            admission_type = Code.objects.select_related("code_list").get(
                code_list__name=ADMISSION_TYPE_LIST, code=TRANSFER_IN
            )
        care_type = care_type or current.care_type
        if care_type.code not in INSTITUTION_CARE_TYPES:
            care_type = Code.objects.select_related("code_list").get(
                code_list__name=CARE_TYPE_LIST, code=INSTITUTIONAL_CARE
            )
        notes = _text(errors, "notes", notes)
        _raise(errors)
        _set_status(current, Placement.Status.TRANSFERRED, on, None, notes, actor)
        _audit(
            actor,
            "placement.transfer",
            current,
            request,
            to_institution=str(to_institution.public_id),
            on=on.isoformat(),
        )
        order = OrderInput(
            court=current.court,
            court_name=current.court_name,
            number=current.order_number,
            date=current.order_date,
            period_months=current.order_period_months,
        )
        nxt = placement_admit(
            actor=actor,
            child=current.child,
            care_type=care_type,
            admitted_on=on,
            admission_type=admission_type,
            admission_reason=current.admission_reason,
            institution=to_institution,
            case=current.case,
            order=order,
            notes=notes,
            request=request,
            _previous=current,
        )
        # Keep an expiry date that was typed in, not computed (e.g. an order with no period).
        if current.order_expires_on and nxt.order_expires_on != current.order_expires_on:
            nxt.order_expires_on = current.order_expires_on
            nxt.save(update_fields=["order_expires_on"])
        # Reviews still due move with the child to the next caregiver.
        Review.objects.filter(placement=current, held_on__isnull=True).update(placement=nxt)
    return nxt


# --- reviews and follow-ups -------------------------------------------------------------------


def review_add(
    *,
    actor: Any,
    placement: Placement,
    kind: str,
    due_on: dt.date | None = None,
    held_on: dt.date | None = None,
    next_due_on: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Review:
    """Schedule a review (``due_on``) or record one held (``held_on``), which completes the
    earliest pending review of that kind; ``next_due_on`` schedules the next one."""
    with transaction.atomic():
        current = _lock_placement(actor, placement)
        errors: Errors = {}
        if kind not in Review.Kind.values:
            _add(errors, "kind", _("Choose the type of review."))
        if current.ended_on is not None:
            _add(errors, "kind", _("This placement has ended: record a post-discharge follow-up instead."))
        if due_on is None and held_on is None:
            _add(errors, "held_on", _("Enter the date the review was held, or the date it is due."))
        if held_on is not None:
            if held_on > timezone.localdate():
                _add(errors, "held_on", _("This date cannot be in the future."))
            elif held_on < current.admitted_on:
                _add(errors, "held_on", _("A review cannot be held before the admission."))
        elif due_on is not None and due_on < current.admitted_on:
            _add(errors, "due_on", _("A review cannot be due before the admission."))
        if next_due_on is not None and held_on is not None and next_due_on <= held_on:
            _add(errors, "next_due_on", _("The next review must be due after this one."))
        notes = _text(errors, "notes", notes)
        _raise(errors)
        if held_on is not None:
            review = (
                Review.objects.select_for_update()
                .filter(placement=current, kind=kind, held_on__isnull=True)
                .order_by("due_on", "id")
                .first()
            )
            if review is None:
                review = Review(placement=current, kind=kind)
            review.held_on, review.notes, review.recorded_by = held_on, notes, actor
            review.save()
            if next_due_on is not None:
                Review.objects.create(placement=current, kind=kind, due_on=next_due_on, recorded_by=actor)
        else:
            review = Review.objects.create(placement=current, kind=kind, due_on=due_on, notes=notes, recorded_by=actor)
        audit_record(
            actor=actor,
            action="placement.review",
            obj=current,
            request=request,
            details={
                "review": str(review.public_id),
                "kind": kind,
                "due_on": review.due_on.isoformat() if review.due_on else None,
                "held_on": held_on.isoformat() if held_on else None,
            },
        )
    return review


def followup_record(
    *,
    actor: Any,
    placement: Placement,
    visited_on: dt.date | None = None,
    outcome: str = "",
    due_on: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> FollowUp:
    """Record a post-discharge visit (completing the earliest planned one), or plan one (``due_on``
    without ``visited_on``). Only after the placement ended with a discharge or reintegration."""
    with transaction.atomic():
        current = _lock_placement(actor, placement)
        errors: Errors = {}
        if current.status not in (Placement.Status.DISCHARGED, Placement.Status.REINTEGRATED):
            _add(errors, "visited_on", _("Follow-ups are recorded after a discharge or reintegration."))
        if visited_on is None and due_on is None:
            _add(errors, "visited_on", _("Enter the date of the visit, or the date one is due."))
        if visited_on is not None:
            if visited_on > timezone.localdate():
                _add(errors, "visited_on", _("This date cannot be in the future."))
            elif current.ended_on and visited_on < current.ended_on:
                _add(errors, "visited_on", _("A follow-up visit cannot be before the discharge."))
            if outcome not in FollowUp.Outcome.values:
                _add(errors, "outcome", _("Choose what the visit found."))
        elif due_on is not None and current.ended_on and due_on < current.ended_on:
            _add(errors, "due_on", _("A follow-up cannot be due before the discharge."))
        notes = _text(errors, "notes", notes)
        _raise(errors)
        if visited_on is not None:
            followup = (
                FollowUp.objects.select_for_update()
                .filter(placement=current, visited_on__isnull=True)
                .order_by("due_on", "id")
                .first()
            ) or FollowUp(placement=current)
            followup.visited_on, followup.outcome, followup.notes = visited_on, outcome, notes
            followup.recorded_by = actor
            followup.save()
            if due_on is not None and due_on > visited_on:
                FollowUp.objects.create(placement=current, due_on=due_on, recorded_by=actor)
        else:
            followup = FollowUp.objects.create(placement=current, due_on=due_on, notes=notes, recorded_by=actor)
        audit_record(
            actor=actor,
            action="placement.followup",
            obj=current,
            request=request,
            details={
                "followup": str(followup.public_id),
                "visited_on": visited_on.isoformat() if visited_on else None,
                "outcome": outcome or None,
            },
        )
    return followup


# --- institutions -----------------------------------------------------------------------------


@dataclass
class CapacityInput:
    sex: str
    band: str
    places: int


def _rows_overlap(a: CapacityInput, b: CapacityInput) -> bool:
    sex = a.sex == b.sex or CapacityRow.ANY in (a.sex, b.sex)
    band = a.band == b.band or CapacityRow.ANY in (a.band, b.band)
    return sex and band


def institution_save(
    *,
    actor: Any,
    org_unit: OrgUnit,
    expected_version: int | None,
    registration_status: str,
    registration_number: str = "",
    registered_on: dt.date | None = None,
    serves: Area | None = None,
    institution_type: Code | None = None,
    is_open: bool = True,
    closed_on: dt.date | None = None,
    capacity: Sequence[CapacityInput] = (),
    notes: str = "",
    request: HttpRequest | None = None,
) -> Institution:
    """Create or update the care profile of an institution and its capacity rows.

    Needs placement.manage or orgunit.manage over the org unit. Capacity rows may not overlap
    (e.g. "girls, any age" with "girls, 0–5"), so their sum is the institution's capacity."""
    with transaction.atomic():
        unit = _institution_unit_for_write(actor, org_unit)
        profile = Institution.objects.select_for_update().filter(org_unit=unit).first()
        if profile is not None and expected_version is not None and profile.version != expected_version:
            raise StaleEdit(
                _(
                    "Someone else changed this institution's profile after you opened it. Nothing was saved: reload "
                    "the page, check their changes and make yours again."
                ),
                code="stale",
            )
        errors: Errors = {}
        if registration_status not in Institution.Registration.values:
            _add(errors, "registration_status", _("Choose the registration status."))
        registration_number = _text(errors, "registration_number", registration_number, 60)
        if registration_status == Institution.Registration.REGISTERED and not registration_number:
            _add(errors, "registration_number", _("Enter the registration number of a registered institution."))
        if registered_on is not None and registered_on > timezone.localdate():
            _add(errors, "registered_on", _("This date cannot be in the future."))
        if serves is not None and serves.level == Area.Level.WARD:
            _add(errors, "serves", _("Choose a county or sub-county."))
        if institution_type is not None and not _in_list(institution_type, INSTITUTION_TYPE_LIST):
            _add(errors, "institution_type", _("Choose the institution type from the DCS list."))
        if is_open:
            closed_on = None
        elif closed_on is None:
            closed_on = timezone.localdate()
        elif closed_on > timezone.localdate():
            _add(errors, "closed_on", _("This date cannot be in the future."))
        if not is_open and Placement.objects.filter(institution=unit, ended_on__isnull=True).exists():
            _add(
                errors,
                "is_open",
                _("Children are still placed here: transfer or discharge them before closing the institution."),
            )
        valid_bands = {CapacityRow.ANY, *ages.band_keys(ages.DCS)} - {ages.UNKNOWN}
        rows = [r for r in capacity if r.places is not None]
        for i, row in enumerate(rows):
            if row.sex not in CapacityRow.Sex.values or row.band not in valid_bands:
                _add(errors, "capacity", _("Choose a sex and an age band for every capacity row."))
            if row.places < 0:
                _add(errors, "capacity", _("Places cannot be negative."))
            for other in rows[:i]:
                if _rows_overlap(row, other):
                    _add(
                        errors,
                        "capacity",
                        _("Two capacity rows cover the same children (%(a)s and %(b)s): merge them.")
                        % {"a": f"{row.sex}/{row.band}", "b": f"{other.sex}/{other.band}"},
                    )
        notes = _text(errors, "notes", notes)
        _raise(errors)
        if institution_type is None and profile is None:
            dcs = KIND_TO_INSTITUTION_TYPE.get(unit.kind)
            if dcs:
                institution_type = Code.objects.filter(code_list__name=INSTITUTION_TYPE_LIST, code=dcs).first()
        profile = profile or Institution(org_unit=unit)
        created = profile.pk is None
        profile.registration_status, profile.registration_number = registration_status, registration_number
        profile.registered_on, profile.serves = registered_on, serves
        if institution_type is not None:
            profile.institution_type = institution_type
        profile.is_open, profile.closed_on, profile.notes = is_open, closed_on, notes
        if not created:
            profile.version += 1
        profile.save()
        profile.capacity_rows.all().delete()
        CapacityRow.objects.bulk_create(
            [CapacityRow(institution=profile, sex=r.sex, band=r.band, places=r.places) for r in rows]
        )
        audit_record(
            actor=actor,
            action="institution.create" if created else "institution.update",
            obj=unit,
            request=request,
            details={
                "is_open": is_open,
                "registration_status": registration_status,
                "capacity": sum(r.places for r in rows),
            },
        )
    return profile


def _institution_unit_for_write(actor: Any, org_unit: OrgUnit) -> OrgUnit:
    """The unit, if it is an institution the actor may see and manage (placement.manage or
    orgunit.manage over it): 404 outside sight, 403 when read-only."""
    qs = OrgUnit.objects.filter(pk=org_unit.pk, kind__in=OrgUnit.INSTITUTION_KINDS)
    seen = any(scope.restrict(actor, qs, perm).exists() for perm in (P.PLACEMENT_VIEW, P.ORGUNIT_MANAGE))
    if not seen:
        raise Http404
    if not any(scope.restrict(actor, qs, perm).exists() for perm in (P.PLACEMENT_MANAGE, P.ORGUNIT_MANAGE)):
        raise PermissionDenied
    return qs.get()

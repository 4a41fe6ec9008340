"""Placements: admission, corrections, status changes and transfers between institutions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.care.actions._helpers import (
    MAX_TEXT,
    _audit,
    _check_institution,
    _lock_placement,
    _overlap_message,
    _overlapping,
    _refuse_ended,
    _stale,
)
from cpims.care.models import (
    ADMISSION_REASON_LIST,
    ADMISSION_TYPE_LIST,
    CARE_TYPE_LIST,
    DISCHARGE_TYPE_LIST,
    INSTITUTION_CARE_TYPES,
    INSTITUTIONAL_CARE,
    REINTEGRATION,
    TRANSFER_IN,
    FollowUp,
    Placement,
    Review,
    StatusChange,
)
from cpims.core.models import Code
from cpims.core.validation import (
    Errors,
    add_error,
    add_months,
    check_date,
    clean_text,
    in_list,
    raise_errors,
    short_date,
)
from cpims.geo.models import Area, OrgUnit


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
        add_error(errors, "court", _("Choose a children's court from the list."))
    clean_text(errors, "court_name", order.court_name, 200)
    clean_text(errors, "order_number", order.number, 60)
    if order.date is not None and order.date > timezone.localdate():
        add_error(errors, "order_date", _("The date of the order cannot be in the future."))
    if order.period_months is not None and not (1 <= order.period_months <= 240):
        add_error(errors, "order_period_months", _("Enter a period between 1 and 240 months."))
    if order.period_months and order.date is None:
        add_error(errors, "order_date", _("Enter the date of the order: its period counts from that date."))
    has_order = bool(order.court or order.court_name.strip() or order.number.strip() or order.date)
    if has_order and order.date is None and "order_date" not in errors:
        add_error(errors, "order_date", _("Enter the date of the order."))
    if order.date and order.period_months and 1 <= order.period_months <= 240:
        return add_months(order.date, order.period_months)
    return None


def placement_admit(
    *,
    actor: User,
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
    found_with_birth_date: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Placement:
    """Admit ``child`` to an institution or place them in alternative family care.

    The actor must see the child (and the case, if given) and manage placements where the child
    is placed or at the responsible office. Refused, with a message and nothing written: a
    closed institution, a child already in care, an admission in the future or before birth.

    A child registered elsewhere, outside the actor's sight, may be admitted when the actor found
    them by CPIMS number and date of birth (``found_with_birth_date``, checked again here): the
    placement then gives the institution access to the child's record while the child is there.
    """
    from cpims.cases.models import Case
    from cpims.registry.models import Person

    # A plain atomic(), not durable: the justice app's committal admits the child inside its own
    # transaction, so that a refused admission undoes the disposition too.
    with transaction.atomic():
        people = Person.objects.filter(is_active=True)
        if found_with_birth_date is not None and not scope.can(actor, P.CHILD_VIEW, child):
            # The same answer as for a record that does not exist (404): nothing is confirmed.
            child = people.filter(pk=child.pk, kind=Person.Kind.CHILD, date_of_birth=found_with_birth_date).first()
            if child is None or case is not None:
                raise Http404
        else:
            # The child and case must be within the actor's sight (404 otherwise).
            child = scope.get_for(actor, people, view=P.CHILD_VIEW, pk=child.pk)
        if case is not None:
            case = scope.get_for(actor, Case.objects.all(), view=P.CASE_VIEW, pk=case.pk)
        return _admit(
            actor=actor,
            child=child,
            care_type=care_type,
            admitted_on=admitted_on,
            admission_type=admission_type,
            admission_reason=admission_reason,
            institution=institution,
            case=case,
            caregiver_name=caregiver_name,
            location=location,
            order=order or OrderInput(),
            first_review_due=first_review_due,
            notes=notes,
            request=request,
            previous=None,
            found_by="number_and_birth_date" if found_with_birth_date is not None else "",
        )


def _check_admission(
    errors: Errors,
    *,
    child: Any,
    case: Any,
    care_type: Code,
    institution: OrgUnit | None,
    caregiver_name: str,
    admitted_on: dt.date,
    admission_type: Code,
    admission_reason: Code,
    order: OrderInput,
    first_review_due: dt.date | None,
    notes: str,
) -> tuple[str, str, dt.date | None]:
    """Record what is wrong with an admission in ``errors``; the caregiver's name and the notes
    cleaned, and when the order expires."""
    if case is not None and case.child_id != child.pk:
        add_error(errors, "case", _("This case is about another child."))
    if not in_list(care_type, CARE_TYPE_LIST):
        add_error(errors, "care_type", _("Choose the type of care from the DCS list."))
    in_institution = in_list(care_type, CARE_TYPE_LIST) and care_type.code in INSTITUTION_CARE_TYPES
    if institution is not None:
        if not in_institution:
            add_error(
                errors, "institution", _("Family-based care is not in an institution: leave the institution empty.")
            )
        else:
            _check_institution(errors, "institution", institution)
    elif in_list(care_type, CARE_TYPE_LIST) and care_type.code == INSTITUTIONAL_CARE:
        add_error(errors, "institution", _("Choose the institution the child is admitted to."))
    if institution is None and not (caregiver_name or "").strip() and not in_institution:
        add_error(errors, "caregiver_name", _("Enter the family or caregiver the child is placed with."))
    caregiver_name = clean_text(errors, "caregiver_name", caregiver_name, 200)
    notes = clean_text(errors, "notes", notes, MAX_TEXT)
    check_date(errors, "admitted_on", admitted_on, _("Enter the date of admission."))
    if admitted_on and child.date_of_birth and admitted_on < child.date_of_birth:
        add_error(errors, "admitted_on", _("The date of admission cannot be before the child's date of birth."))
    if not in_list(admission_type, ADMISSION_TYPE_LIST):
        add_error(errors, "admission_type", _("Choose the type of admission from the DCS list."))
    if not in_list(admission_reason, ADMISSION_REASON_LIST):
        add_error(errors, "admission_reason", _("Choose the reason for admission from the DCS list."))
    expires_on = _validate_order(errors, order, admitted_on)
    if first_review_due is not None and admitted_on and first_review_due < admitted_on:
        add_error(errors, "first_review_due", _("The first review cannot be due before the admission."))
    return caregiver_name, notes, expires_on


def _insert_placement(
    *,
    actor: User,
    child: Any,
    case: Any,
    care_type: Code,
    institution: OrgUnit | None,
    caregiver_name: str,
    location: Area | None,
    admitted_on: dt.date,
    admission_type: Code,
    admission_reason: Code,
    order: OrderInput,
    expires_on: dt.date | None,
    notes: str,
    previous: Placement | None,
) -> Placement:
    """The new placement row, scoped to where the child is placed (else the case's office)."""
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
                previous=previous,
                notes=notes,
                created_by=actor,
            )
    except IntegrityError as exc:  # a concurrent admission won the race
        raise ValidationError({"child": [_("This child is already in care: reload the page.")]}) from exc
    return placement


def _lock_and_check(*, child: Any, admitted_on: dt.date, **admission: Any) -> tuple[str, str, dt.date | None]:
    """Refuse a non-child, lock the child's row, check the admission (``_check_admission``) and
    that it overlaps no other placement of the child. Returns the cleaned caregiver name, notes
    and order expiry."""
    from cpims.registry.models import Person

    if child.kind != Person.Kind.CHILD:
        raise ValidationError({"child": [_("Only a child can be placed in care.")]})
    # Serialise admissions of one child: the person row is locked until this transaction ends.
    list(Person.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
    errors: Errors = {}
    caregiver_name, notes, expires_on = _check_admission(errors, child=child, admitted_on=admitted_on, **admission)
    if admitted_on and "admitted_on" not in errors:
        other = _overlapping(child.pk, admitted_on)
        if other is not None:
            add_error(errors, "child", _overlap_message(other))
    raise_errors(errors)
    return caregiver_name, notes, expires_on


def _start_history(
    placement: Placement, *, actor: User, admitted_on: dt.date, first_review_due: dt.date | None
) -> None:
    """The first status (resident from the admission date) and the first care-plan review, if due."""
    StatusChange.objects.create(
        placement=placement, status=Placement.Status.RESIDENT, on=admitted_on, recorded_by=actor
    )
    if first_review_due is not None:
        Review.objects.create(
            placement=placement, kind=Review.Kind.CARE_PLAN, due_on=first_review_due, recorded_by=actor
        )


def _admit(
    *,
    actor: User,
    child: Any,
    care_type: Code,
    admitted_on: dt.date,
    admission_type: Code,
    admission_reason: Code,
    institution: OrgUnit | None,
    case: Any,
    caregiver_name: str,
    location: Area | None,
    order: OrderInput,
    first_review_due: dt.date | None,
    notes: str,
    request: HttpRequest | None,
    previous: Placement | None,
    found_by: str = "",
) -> Placement:
    """The admission itself, inside the caller's transaction: ``placement_admit`` (after the sight
    checks) or ``placement_transfer`` (already authorised on the placement it closes, ``previous``)."""
    caregiver_name, notes, expires_on = _lock_and_check(
        child=child,
        case=case,
        care_type=care_type,
        institution=institution,
        caregiver_name=caregiver_name,
        admitted_on=admitted_on,
        admission_type=admission_type,
        admission_reason=admission_reason,
        order=order,
        first_review_due=first_review_due,
        notes=notes,
    )
    placement = _insert_placement(
        actor=actor,
        child=child,
        case=case,
        care_type=care_type,
        institution=institution,
        caregiver_name=caregiver_name,
        location=location,
        admitted_on=admitted_on,
        admission_type=admission_type,
        admission_reason=admission_reason,
        order=order,
        expires_on=expires_on,
        notes=notes,
        previous=previous,
    )
    # The actor must manage placements where this one lands (the institution, the area or the
    # responsible office); otherwise the whole transaction is undone.
    if previous is None and not scope.can(actor, P.PLACEMENT_MANAGE, placement):
        raise PermissionDenied
    _start_history(placement, actor=actor, admitted_on=admitted_on, first_review_due=first_review_due)
    _audit(
        actor,
        "placement.admit",
        placement,
        request,
        care_type=care_type.code,
        institution=str(institution.public_id) if institution else None,
        admitted_on=admitted_on.isoformat(),
        previous=str(previous.public_id) if previous else None,
        **({"found_by": found_by} if found_by else {}),
    )
    return placement


def placement_update(
    *,
    actor: User,
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
    with transaction.atomic(durable=True):
        current = _lock_placement(actor, placement)
        _stale(current, expected_version)
        errors: Errors = {}
        if not in_list(admission_type, ADMISSION_TYPE_LIST):
            add_error(errors, "admission_type", _("Choose the type of admission from the DCS list."))
        if not in_list(admission_reason, ADMISSION_REASON_LIST):
            add_error(errors, "admission_reason", _("Choose the reason for admission from the DCS list."))
        expires_on = _validate_order(errors, order, current.admitted_on)
        caregiver_name = clean_text(errors, "caregiver_name", caregiver_name, 200)
        if current.institution_id is None and not caregiver_name:
            add_error(errors, "caregiver_name", _("Enter the family or caregiver the child is placed with."))
        notes = clean_text(errors, "notes", notes, MAX_TEXT)
        raise_errors(errors)
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


def allowed_statuses(status: str) -> list[str]:
    """The statuses a placement in ``status`` may change to here, in the order of the list."""
    return [s for s in Placement.Status.values if s in ALLOWED.get(status, frozenset())]


def allowed_message(status: str) -> str:
    """ "From “On leave” the status can change to: resident, escaped, …" (translated)."""
    names = ", ".join(str(Placement.Status(s).label).lower() for s in allowed_statuses(status))
    if not names:
        return _("A placement that has ended does not change status.")
    return _("From “%(now)s” the status can change to: %(statuses)s.") % {
        "now": Placement.Status(status).label,
        "statuses": names,
    }


def _check_status_change(
    errors: Errors,
    current: Placement,
    *,
    status: str,
    on: dt.date,
    discharge_type: Code | None,
    follow_up_due: dt.date | None,
) -> Code | None:
    """Record what is wrong with the change in ``errors``; the discharge type it ends with, if any
    (reintegration with family by default)."""
    if status == Placement.Status.TRANSFERRED:
        add_error(errors, "status", _("Use the transfer page: it closes this placement and opens the next one."))
    elif status not in ALLOWED.get(current.status, frozenset()):
        add_error(
            errors,
            "status",
            _("A child who is %(now)s cannot change to this status.") % {"now": current.get_status_display()}
            + " "
            + allowed_message(current.status),
        )
    check_date(errors, "on", on, _("Enter the date of the change."))
    if on is not None and on < current.admitted_on:
        label = _("discharge") if status in Placement.ENDING else _("change")
        add_error(
            errors,
            "on",
            _("The date of %(what)s cannot be before the admission on %(date)s.")
            % {"what": label, "date": short_date(current.admitted_on)},
        )
    elif on is not None and on < current.status_on:
        add_error(
            errors,
            "on",
            _("The date cannot be before the current status (%(status)s since %(date)s).")
            % {"status": current.get_status_display(), "date": short_date(current.status_on)},
        )
    if status == Placement.Status.REINTEGRATED and discharge_type is None:
        discharge_type = (
            Code.objects.select_related("code_list")
            .filter(code_list__name=DISCHARGE_TYPE_LIST, code=REINTEGRATION)
            .first()
        )
    if status in (Placement.Status.DISCHARGED, Placement.Status.REINTEGRATED):
        if not in_list(discharge_type, DISCHARGE_TYPE_LIST):
            add_error(errors, "discharge_type", _("Choose the type of discharge from the DCS list."))
    else:
        discharge_type = None
    if follow_up_due is not None:
        if status not in (Placement.Status.DISCHARGED, Placement.Status.REINTEGRATED):
            add_error(errors, "follow_up_due", _("A follow-up is planned only after a discharge."))
        elif on is not None and follow_up_due < on:
            add_error(errors, "follow_up_due", _("The follow-up cannot be due before the discharge."))
    return discharge_type


def placement_status_change(
    *,
    actor: User,
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
    with transaction.atomic(durable=True):
        current = _lock_placement(actor, placement)
        _stale(current, expected_version)
        errors: Errors = {}
        _refuse_ended(current)
        discharge_type = _check_status_change(
            errors,
            current,
            status=status,
            on=on,
            discharge_type=discharge_type,
            follow_up_due=follow_up_due,
        )
        notes = clean_text(errors, "notes", notes, MAX_TEXT)
        raise_errors(errors)
        _set_status(current, status, on, discharge_type, notes, actor)
        ended = _end_pending(current, on) if status in Placement.ENDING else {}
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
            **ended,
        )
    return current


# Why a review or follow-up ended, stored untranslated and shown in the reader's language.
PLACEMENT_ENDED = gettext_noop("The placement ended")


def _end_pending(placement: Placement, on: dt.date) -> dict[str, int]:
    """End the placement's reviews and follow-ups still pending when it ends (discharge,
    reintegration, death): nobody is to hold a care plan review for a child who has left. The
    counts go into the ending action's audit row."""
    now = timezone.now()
    fields = {"ended_on": on, "end_reason": PLACEMENT_ENDED, "updated_at": now}
    reviews = Review.objects.filter(placement=placement, held_on__isnull=True, ended_on__isnull=True).update(**fields)
    followups = FollowUp.objects.filter(placement=placement, visited_on__isnull=True, ended_on__isnull=True).update(
        **fields
    )
    return {"reviews_ended": reviews, "followups_ended": followups}


def _set_status(
    placement: Placement, status: str, on: dt.date, discharge_type: Code | None, notes: str, actor: User
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
    actor: User,
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
    with transaction.atomic(durable=True):
        current = _lock_placement(actor, placement)
        _stale(current, expected_version)
        errors: Errors = {}
        _refuse_ended(current)
        _check_institution(errors, "to_institution", to_institution)
        if isinstance(to_institution, OrgUnit) and to_institution.pk == current.institution_id:
            add_error(errors, "to_institution", _("The child is already in this institution."))
        check_date(errors, "on", on, _("Enter the date of the transfer."))
        if on is not None and on < current.status_on:
            add_error(
                errors,
                "on",
                _("The transfer cannot be dated before %(date)s (admission or last status change).")
                % {"date": short_date(current.status_on)},
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
        notes = clean_text(errors, "notes", notes, MAX_TEXT)
        raise_errors(errors)
        _set_status(current, Placement.Status.TRANSFERRED, on, None, notes, actor)
        _audit(
            actor,
            "placement.transfer",
            current,
            request,
            to_institution=str(to_institution.public_id),
            on=on.isoformat(),
        )
        nxt = _open_next(
            actor=actor,
            current=current,
            to_institution=to_institution,
            on=on,
            admission_type=admission_type,
            care_type=care_type,
            notes=notes,
            request=request,
        )
    return nxt


def _open_next(
    *,
    actor: User,
    current: Placement,
    to_institution: OrgUnit,
    on: dt.date,
    admission_type: Code,
    care_type: Code,
    notes: str,
    request: HttpRequest | None,
) -> Placement:
    """The placement a transfer opens: same child, case, reason and court order."""
    order = OrderInput(
        court=current.court,
        court_name=current.court_name,
        number=current.order_number,
        date=current.order_date,
        period_months=current.order_period_months,
    )
    nxt = _admit(
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
        first_review_due=None,
        caregiver_name="",
        location=None,
        previous=current,
    )
    # Keep an expiry date that was typed in, not computed (e.g. an order with no period).
    if current.order_expires_on and nxt.order_expires_on != current.order_expires_on:
        nxt.order_expires_on = current.order_expires_on
        nxt.save(update_fields=["order_expires_on"])
    # Reviews still due move with the child to the next caregiver.
    Review.objects.filter(placement=current, held_on__isnull=True, ended_on__isnull=True).update(placement=nxt)
    return nxt

"""Every write to court records. Keyword-only, typed; each action is one transaction that locks
the case, checks ``case.update`` over it through the scope rules (404 outside scope, 403 when
read-only), validates, and only then writes the record and one CaseEvent with its audit event
(``cpims.cases.actions.case_event_add``: audit action ``case.<kind>``).

Problems raise ``ValidationError`` (translatable messages keyed by field), ``StaleEdit`` (a
ValidationError: someone changed the session since the editor read it), ``PermissionDenied`` or
``Http404``; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.actions import case_event_add
from cpims.cases.messages import code_param, date_param
from cpims.cases.models import Case, CaseEvent
from cpims.core.edits import changed_fields, lock_for_edit
from cpims.core.models import Code
from cpims.core.validation import Errors, add_error, add_months, in_list, raise_errors
from cpims.court.models import (
    ADJOURNMENT_CODE,
    ORDER_LIST,
    OUTCOME_LIST,
    PLEA_LIST,
    PLEA_SESSION_CODE,
    SESSION_TYPE_LIST,
    CourtOrder,
    CourtSession,
    Summons,
)
from cpims.geo.models import OrgUnit

# --- helpers ----------------------------------------------------------------------------------


def _lock_case(actor: User, case: Case) -> Case:
    """The case row locked for this transaction, if ``actor`` may work on it (case.update)."""
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    return scope.get_for(actor, Case.objects.all(), view=P.CASE_VIEW, write=P.CASE_UPDATE, pk=case.pk)


def _require_open(case: Case, message: str) -> None:
    if case.status == Case.Status.CLOSED:
        raise ValidationError(message, code="closed")


def _validate_session(
    *,
    session_type: Any,
    held_on: dt.date | None,
    court: OrgUnit | None,
    court_name: str,
    plea: Any,
    outcome: Any,
    next_date: dt.date | None,
    notes: str,
) -> Errors:
    errors: Errors = {}
    today = timezone.localdate()
    if not in_list(session_type, SESSION_TYPE_LIST):
        add_error(errors, "session_type", _("Choose the type of session from the DCS list."))
    if held_on is None:
        add_error(errors, "held_on", _("Enter the date of the session."))
    elif held_on > today:
        add_error(
            errors, "held_on", _("The session date cannot be in the future: put a coming date as the next court date.")
        )
    if court is not None and (
        not isinstance(court, OrgUnit) or court.kind != OrgUnit.Kind.COURT or not court.is_active
    ):
        add_error(errors, "court", _("Choose a children's court from the list."))
    if court is None and not (court_name or "").strip():
        add_error(errors, "court", _("Choose the court, or type its name if it is not in the list."))
    if len(court_name or "") > CourtSession._meta.get_field("court_name").max_length:
        add_error(errors, "court_name", _("Use at most %(n)d characters.") % {"n": 200})
    if plea is not None:
        if not in_list(plea, PLEA_LIST):
            add_error(errors, "plea", _("Choose the plea from the DCS list."))
        elif in_list(session_type, SESSION_TYPE_LIST) and session_type.code != PLEA_SESSION_CODE:
            add_error(errors, "plea", _("A plea is recorded only at a plea-taking session."))
    if outcome is not None and not in_list(outcome, OUTCOME_LIST):
        add_error(errors, "outcome", _("Choose the outcome from the DCS list."))
    if next_date is not None and held_on is not None and next_date <= held_on:
        add_error(errors, "next_date", _("The next court date must come after the date of the session."))
    if (
        next_date is None
        and in_list(outcome, OUTCOME_LIST)
        and outcome.code == ADJOURNMENT_CODE
        and "next_date" not in errors
    ):
        add_error(errors, "next_date", _("An adjourned session needs the next court date."))
    if len(notes or "") > 5000:
        add_error(errors, "notes", _("Use at most %(n)d characters.") % {"n": 5000})
    return errors


def _session_message(session: CourtSession, key: str) -> dict[str, Any]:
    """``message`` and ``params`` of a session's timeline row (with the next date when set)."""
    params: dict[str, Any] = {"type": code_param(session.session_type), "date": date_param(session.held_on)}
    if session.next_date:
        key += "_next"
        params["next"] = date_param(session.next_date)
    return {"message": key, "params": params}


def _session_details(session: CourtSession) -> dict[str, Any]:
    return {
        "session": str(session.public_id),
        "session_type": session.session_type.code,
        "held_on": session.held_on.isoformat(),
        "outcome": session.outcome.code if session.outcome_id and session.outcome else None,
        "next_date": session.next_date.isoformat() if session.next_date else None,
    }


def _stale_message(session: CourtSession) -> str:
    edits = list(
        CaseEvent.objects.filter(
            case_id=session.case_id, kind="court_session_edit", details__session=str(session.public_id)
        )
        .select_related("actor")
        .order_by("-at", "-id")[:3]
    )
    changes = "; ".join(
        "{} ({}, {})".format(
            ", ".join(str(CourtSession._meta.get_field(name).verbose_name) for name in e.details.get("changed", [])),
            e.actor.get_username() if e.actor else "-",
            date_format(timezone.localtime(e.at), "SHORT_DATETIME_FORMAT"),
        )
        for e in edits
    )
    return _(
        "Someone else changed this court session after you opened it: %(changes)s. Nothing was saved: reload "
        "the page, check their changes and make yours again."
    ) % {"changes": changes or _("unknown change")}


# --- sessions ---------------------------------------------------------------------------------


def court_session_record(
    *,
    actor: User,
    case: Case,
    session_type: Code,
    held_on: dt.date,
    court: OrgUnit | None = None,
    court_name: str = "",
    plea: Code | None = None,
    outcome: Code | None = None,
    next_date: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> CourtSession:
    """Record a court session on ``case`` (which must be open)."""
    with transaction.atomic(durable=True):
        case = _lock_case(actor, case)
        _require_open(case, _("This case is closed: reopen it before recording a court session."))
        raise_errors(
            _validate_session(
                session_type=session_type,
                held_on=held_on,
                court=court,
                court_name=court_name,
                plea=plea,
                outcome=outcome,
                next_date=next_date,
                notes=notes,
            )
        )
        session = CourtSession.objects.create(
            case=case,
            session_type=session_type,
            held_on=held_on,
            court=court,
            court_name="" if court is not None else court_name.strip(),
            plea=plea,
            outcome=outcome,
            next_date=next_date,
            notes=(notes or "").strip(),
            recorded_by=actor,
        )
        case_event_add(
            case=case,
            kind="court_session_add",
            actor=actor,
            **_session_message(session, "court.session_added"),
            details=_session_details(session),
            request=request,
        )
    return session


def court_session_update(
    *,
    actor: User,
    session: CourtSession,
    expected_version: int | None,
    session_type: Code,
    held_on: dt.date,
    court: OrgUnit | None = None,
    court_name: str = "",
    plea: Code | None = None,
    outcome: Code | None = None,
    next_date: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> CourtSession:
    """Correct a recorded session. ``expected_version`` is the version the editor read; a session
    changed since then is refused (StaleEdit) with what changed and who changed it."""
    with transaction.atomic(durable=True):
        case = _lock_case(actor, session.case)
        _require_open(case, _("This case is closed: reopen it before changing its court sessions."))
        current = lock_for_edit(session, field="version", expected=expected_version, message=_stale_message)
        raise_errors(
            _validate_session(
                session_type=session_type,
                held_on=held_on,
                court=court,
                court_name=court_name,
                plea=plea,
                outcome=outcome,
                next_date=next_date,
                notes=notes,
            )
        )
        new_values = {
            "session_type_id": session_type.pk,
            "held_on": held_on,
            "court_id": court.pk if court is not None else None,
            "court_name": "" if court is not None else court_name.strip(),
            "plea_id": plea.pk if plea is not None else None,
            "outcome_id": outcome.pk if outcome is not None else None,
            "next_date": next_date,
            "notes": (notes or "").strip(),
        }
        changed = sorted(name.removesuffix("_id") for name in changed_fields(current, new_values))
        if not changed:
            return current
        for name, value in new_values.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        current.refresh_from_db()
        case_event_add(
            case=case,
            kind="court_session_edit",
            actor=actor,
            **_session_message(current, "court.session_corrected"),
            details={**_session_details(current), "changed": changed},
            request=request,
        )
    return current


# --- orders -----------------------------------------------------------------------------------


def _validate_order(
    *, order_type: Any, made_on: dt.date | None, period_months: int | None, expires_on: dt.date | None, notes: str
) -> Errors:
    errors: Errors = {}
    if not in_list(order_type, ORDER_LIST):
        add_error(errors, "order_type", _("Choose the order from the DCS list."))
    if made_on is None:
        add_error(errors, "made_on", _("Enter the date of the order."))
    elif made_on > timezone.localdate():
        add_error(errors, "made_on", _("The date of the order cannot be in the future."))
    if period_months is not None and not (1 <= period_months <= 240):
        add_error(errors, "period_months", _("Enter a period between 1 and 240 months."))
    if expires_on is not None and made_on is not None and expires_on < made_on:
        add_error(errors, "expires_on", _("An order cannot expire before the date it was made."))
    if len(notes or "") > 5000:
        add_error(errors, "notes", _("Use at most %(n)d characters.") % {"n": 5000})
    return errors


def _checked_order(
    session: CourtSession,
    *,
    order_type: Code,
    made_on: dt.date,
    period_months: int | None,
    expires_on: dt.date | None,
    notes: str,
) -> dt.date | None:
    """Refuse an order that is not valid or predates its session; its expiry date (given, or
    ``period_months`` after it was made)."""
    errors = _validate_order(
        order_type=order_type, made_on=made_on, period_months=period_months, expires_on=expires_on, notes=notes
    )
    if made_on is not None and made_on < session.held_on and "made_on" not in errors:
        add_error(errors, "made_on", _("An order cannot be dated before the session that made it."))
    raise_errors(errors)
    if expires_on is None and period_months:
        return add_months(made_on, period_months)
    return expires_on


def court_order_add(
    *,
    actor: User,
    session: CourtSession,
    order_type: Code,
    made_on: dt.date | None = None,
    period_months: int | None = None,
    expires_on: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> CourtOrder:
    """Record an order made at ``session``. The date defaults to the session's; with a period and
    no expiry date, the order expires that many months after it was made."""
    made_on = made_on or session.held_on
    with transaction.atomic(durable=True):
        case = _lock_case(actor, session.case)
        _require_open(case, _("This case is closed: reopen it before recording a court order."))
        expires_on = _checked_order(
            session,
            order_type=order_type,
            made_on=made_on,
            period_months=period_months,
            expires_on=expires_on,
            notes=notes,
        )
        order = CourtOrder.objects.create(
            session=session,
            order_type=order_type,
            made_on=made_on,
            period_months=period_months,
            expires_on=expires_on,
            notes=(notes or "").strip(),
            recorded_by=actor,
        )
        case_event_add(
            case=case,
            kind="court_order_add",
            actor=actor,
            message="court.order_added",
            params={"order": code_param(order_type), "date": date_param(made_on)},
            details={
                "order": str(order.public_id),
                "session": str(session.public_id),
                "order_type": order_type.code,
                "made_on": made_on.isoformat(),
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
            request=request,
        )
    return order


def court_order_update(
    *,
    actor: User,
    order: CourtOrder,
    order_type: Code,
    made_on: dt.date,
    period_months: int | None = None,
    expires_on: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> CourtOrder:
    """Correct a recorded order."""
    session = order.session
    with transaction.atomic(durable=True):
        case = _lock_case(actor, session.case)
        _require_open(case, _("This case is closed: reopen it before changing its court orders."))
        expires_on = _checked_order(
            session,
            order_type=order_type,
            made_on=made_on,
            period_months=period_months,
            expires_on=expires_on,
            notes=notes,
        )
        order = CourtOrder.objects.select_for_update().get(pk=order.pk)
        order.order_type, order.made_on, order.period_months = order_type, made_on, period_months
        order.expires_on, order.notes = expires_on, (notes or "").strip()
        order.save()
        case_event_add(
            case=case,
            kind="court_order_edit",
            actor=actor,
            message="court.order_corrected",
            params={"order": code_param(order_type), "date": date_param(made_on)},
            details={"order": str(order.public_id), "order_type": order_type.code, "made_on": made_on.isoformat()},
            request=request,
        )
    return order


# --- summons ----------------------------------------------------------------------------------


def summons_issue(
    *,
    actor: User,
    case: Case,
    person_role: str,
    issued_on: dt.date,
    due_on: dt.date,
    person_name: str = "",
    notes: str = "",
    request: HttpRequest | None = None,
) -> Summons:
    """Record a summons issued on ``case`` for a person to appear on ``due_on``."""
    with transaction.atomic(durable=True):
        case = _lock_case(actor, case)
        _require_open(case, _("This case is closed: reopen it before issuing a summons."))
        errors: Errors = {}
        if not (person_role or "").strip():
            add_error(errors, "person_role", _("Say who is summoned (e.g. parent, witness)."))
        elif len(person_role) > 120:
            add_error(errors, "person_role", _("Use at most %(n)d characters.") % {"n": 120})
        if len(person_name or "") > 200:
            add_error(errors, "person_name", _("Use at most %(n)d characters.") % {"n": 200})
        if issued_on is None:
            add_error(errors, "issued_on", _("Enter the date the summons was issued."))
        elif issued_on > timezone.localdate():
            add_error(errors, "issued_on", _("The date of issue cannot be in the future."))
        if due_on is None:
            add_error(errors, "due_on", _("Enter the date the person must appear."))
        elif issued_on is not None and due_on < issued_on:
            add_error(errors, "due_on", _("The date to appear cannot be before the date of issue."))
        raise_errors(errors)
        summons = Summons.objects.create(
            case=case,
            person_role=person_role.strip(),
            person_name=(person_name or "").strip(),
            issued_on=issued_on,
            due_on=due_on,
            notes=(notes or "").strip(),
            issued_by=actor,
        )
        case_event_add(
            case=case,
            kind="summons_issue",
            actor=actor,
            message="court.summons_issued",
            params={"role": summons.person_role, "date": date_param(due_on)},
            details={"summons": str(summons.public_id), "due_on": due_on.isoformat()},
            request=request,
        )
    return summons


def summons_mark(
    *,
    actor: User,
    summons: Summons,
    honoured: bool,
    honoured_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Summons:
    """Record whether the summoned person appeared (and when)."""
    with transaction.atomic(durable=True):
        case = _lock_case(actor, summons.case)
        _require_open(case, _("This case is closed: reopen it before changing its summons."))
        summons = Summons.objects.select_for_update().get(pk=summons.pk)
        errors: Errors = {}
        today = timezone.localdate()
        if honoured:
            honoured_on = honoured_on or today
            if honoured_on > today:
                add_error(errors, "honoured_on", _("The date honoured cannot be in the future."))
            elif honoured_on < summons.issued_on:
                add_error(errors, "honoured_on", _("A summons cannot be honoured before it was issued."))
        else:
            honoured_on = None
        raise_errors(errors)
        summons.status = Summons.Status.HONOURED if honoured else Summons.Status.NOT_HONOURED
        summons.honoured_on = honoured_on
        summons.save()
        message: dict[str, Any] = (
            {
                "message": "court.summons_honoured",
                "params": {"role": summons.person_role, "date": date_param(honoured_on)},  # type: ignore[arg-type]
            }
            if honoured
            else {"message": "court.summons_not_honoured", "params": {"role": summons.person_role}}
        )
        case_event_add(
            case=case,
            kind="summons_mark",
            actor=actor,
            **message,
            details={
                "summons": str(summons.public_id),
                "status": summons.status,
                "honoured_on": honoured_on.isoformat() if honoured_on else None,
            },
            request=request,
        )
    return summons

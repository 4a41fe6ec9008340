"""Every write to the justice track. Keyword-only, typed; each action is one transaction that
locks the case, checks that the actor may work on it (``case.update``) and see its sensitive
sections (``case.view_sensitive``) through the scope rules (404 outside scope, 403 without the
permissions), validates, and only then writes the record and one timeline row with its audit
event (``cpims.cases.actions.case_event_add``: audit action ``case.justice_<step>``).

Steps that change the track take the ``expected_version`` the editor read: a track changed since
then is refused (``StaleEdit``), nothing written. Problems raise ``ValidationError``.

A committal opens the child's care placement through ``cpims.care.actions.placement_admit`` in the
same transaction (care checks its own rules: the child not already in care, the institution open,
``placement.manage`` where the child lands); any refusal undoes the whole step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.care.actions import OrderInput, placement_admit
from cpims.care.models import INSTITUTIONAL_CARE
from cpims.cases.actions import case_event_add
from cpims.cases.messages import date_param
from cpims.cases.models import Case
from cpims.core.edits import lock_for_edit
from cpims.core.models import Code
from cpims.core.validation import Errors, add_error, check_date, clean_text, raise_errors
from cpims.court.models import CourtOrder, CourtSession
from cpims.geo.models import OrgUnit
from cpims.justice.models import (
    COMMITTAL_BORSTAL_ORDER,
    COMMITTAL_REHAB_ORDER,
    DISCHARGE_ORDER,
    NEW_ADMISSION,
    OFFENDER_ADMISSION_REASON,
    PROBATION_ORDER,
    JusticeReport,
    JusticeTrack,
    Remand,
)
from cpims.justice.queries import is_in_conflict_with_law

D = JusticeTrack.Disposition
# The court order each disposition is made by, and the institution a committal goes to.
ORDER_FOR = {
    D.COMMITTAL_REHABILITATION: COMMITTAL_REHAB_ORDER,
    D.COMMITTAL_BORSTAL: COMMITTAL_BORSTAL_ORDER,
    D.PROBATION: PROBATION_ORDER,
    D.DISCHARGE: DISCHARGE_ORDER,
}
INSTITUTION_FOR = {
    D.COMMITTAL_REHABILITATION: OrgUnit.Kind.REHABILITATION_SCHOOL,
    D.COMMITTAL_BORSTAL: OrgUnit.Kind.BORSTAL,
}
MAX_TEXT = 5000
ALL = "__all__"  # a problem with the whole step, not one field


def _lock_case(actor: User, case: Case) -> Case:
    """The case row locked for this transaction, if ``actor`` may work on it and see its
    sensitive sections."""
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    case = scope.get_for(
        actor, Case.objects.all(), view=P.CASE_VIEW_SENSITIVE, write=[P.CASE_UPDATE, P.CASE_VIEW_SENSITIVE], pk=case.pk
    )
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("This case is closed: reopen it before changing its justice track."), code="closed")
    return case


def _stale(track: JusticeTrack) -> str:
    return _(
        "Someone else changed this justice track after you opened it. Nothing was saved: reload the page, "
        "check their changes and make yours again."
    )


def _lock_track(actor: User, track: JusticeTrack, expected_version: int | None) -> tuple[Case, JusticeTrack]:
    case = _lock_case(actor, track.case)
    current = lock_for_edit(track, field="version", expected=expected_version, message=_stale)
    return case, current


def _save(track: JusticeTrack, *fields: str) -> None:
    track.version += 1
    track.save(update_fields=[*fields, "version", "updated_at"])


def _event(case: Case, actor: User, kind: str, message: str, request: HttpRequest | None, **params: Any) -> None:
    details = {k: (v.get("date") if isinstance(v, dict) and "date" in v else v) for k, v in params.items()}
    case_event_add(
        case=case,
        kind=f"justice_{kind}",
        actor=actor,
        message=message,
        params=params,
        details={k: v for k, v in details.items() if not isinstance(v, dict)},
        request=request,
    )


def _session_of(errors: Errors, field: str, case: Case, session: CourtSession | None) -> None:
    if session is not None and session.case_id != case.pk:
        add_error(errors, field, _("Choose a court session of this case."))


# --- police -----------------------------------------------------------------------------------


def justice_track_open(
    *,
    actor: User,
    case: Case,
    ob_number: str,
    police_station: OrgUnit | None,
    charge: str,
    arrested_on: dt.date | None,
    request: HttpRequest | None = None,
) -> JusticeTrack:
    """Open the justice track of a case of a child in conflict with the law: the arrest."""
    with transaction.atomic(durable=True):
        case = _lock_case(actor, case)
        errors: Errors = {}
        if not is_in_conflict_with_law(case):
            add_error(
                errors,
                ALL,
                _("This case is not about a child in conflict with the law: add the category 'Child offender' first."),
            )
        if JusticeTrack.objects.filter(case=case).exists():
            add_error(errors, ALL, _("This case already has a justice track."))
        ob_number = clean_text(errors, "ob_number", ob_number, 40, required=_("Enter the OB number."))
        charge = clean_text(errors, "charge", charge, 300, required=_("Enter the charge."))
        if not isinstance(police_station, OrgUnit) or police_station.kind != OrgUnit.Kind.POLICE_STATION:
            add_error(errors, "police_station", _("Choose the police station from the list."))
        check_date(errors, "arrested_on", arrested_on, _("Enter the date of arrest."))
        raise_errors(errors)
        assert arrested_on is not None and isinstance(police_station, OrgUnit)
        track = JusticeTrack.objects.create(
            case=case,
            ob_number=ob_number,
            police_station=police_station,
            charge=charge,
            arrested_on=arrested_on,
            recorded_by=actor,
        )
        _event(case, actor, "open", "justice.opened", request, date=date_param(arrested_on))
    return track


# --- diversion or court -----------------------------------------------------------------------


def justice_route_set(
    *,
    actor: User,
    track: JusticeTrack,
    expected_version: int | None,
    route: str,
    decided_on: dt.date | None,
    diversion_notes: str = "",
    request: HttpRequest | None = None,
) -> JusticeTrack:
    """Record whether the child was diverted or the case taken to court."""
    with transaction.atomic(durable=True):
        case, track = _lock_track(actor, track, expected_version)
        errors: Errors = {}
        if route not in JusticeTrack.Route.values:
            add_error(errors, "route", _("Choose diversion or court."))
        check_date(errors, "decided_on", decided_on, _("Enter the date."))
        if decided_on is not None and decided_on < track.arrested_on:
            add_error(errors, "decided_on", _("This cannot be before the arrest."))
        diversion_notes = clean_text(errors, "diversion_notes", diversion_notes, MAX_TEXT)
        if route == JusticeTrack.Route.DIVERSION and not diversion_notes:
            add_error(errors, "diversion_notes", _("Describe the diversion programme."))
        raise_errors(errors)
        track.route, track.route_on, track.diversion_notes = route, decided_on, diversion_notes
        _save(track, "route", "route_on", "diversion_notes")
        _event(case, actor, "route", f"justice.route_{route}", request, date=date_param(decided_on))  # type: ignore[arg-type]
    return track


def justice_court_record(
    *,
    actor: User,
    track: JusticeTrack,
    expected_version: int | None,
    plea_session: CourtSession | None,
    bail: str,
    bail_terms: str = "",
    bail_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> JusticeTrack:
    """Link the court session at which the plea was taken, and record bail or bond."""
    with transaction.atomic(durable=True):
        case, track = _lock_track(actor, track, expected_version)
        errors: Errors = {}
        if track.route != JusticeTrack.Route.COURT:
            add_error(errors, ALL, _("Record first that the case went to court."))
        _session_of(errors, "plea_session", case, plea_session)
        if plea_session is not None and plea_session.plea_id is None:
            add_error(errors, "plea_session", _("No plea was recorded at this session: record it on the court page."))
        if bail not in JusticeTrack.Bail.values:
            add_error(errors, "bail", _("Choose the bail decision."))
        bail_terms = clean_text(errors, "bail_terms", bail_terms, 200)
        if bail != JusticeTrack.Bail.NOT_DECIDED:
            check_date(errors, "bail_on", bail_on, _("Enter the date of the bail decision."))
        raise_errors(errors)
        track.plea_session, track.bail, track.bail_terms = plea_session, bail, bail_terms
        track.bail_on = bail_on if bail != JusticeTrack.Bail.NOT_DECIDED else None
        _save(track, "plea_session", "bail", "bail_terms", "bail_on")
        _event(case, actor, "court", "justice.bail", request, bail=bail)
    return track


# --- remand -----------------------------------------------------------------------------------


def remand_start(
    *,
    actor: User,
    track: JusticeTrack,
    institution: OrgUnit | None,
    started_on: dt.date | None,
    court_session: CourtSession | None = None,
    request: HttpRequest | None = None,
) -> Remand:
    """Record that the child is remanded in a children's remand home from ``started_on``."""
    with transaction.atomic(durable=True):
        case = _lock_case(actor, track.case)
        errors: Errors = {}
        if not isinstance(institution, OrgUnit) or institution.kind != OrgUnit.Kind.REMAND_HOME:
            add_error(errors, "institution", _("Choose a children's remand home from the list."))
        elif not institution.is_active:
            add_error(errors, "institution", _("This remand home is closed."))
        check_date(errors, "started_on", started_on, _("Enter the date the remand started."))
        if started_on is not None and started_on < track.arrested_on:
            add_error(errors, "started_on", _("This cannot be before the arrest."))
        _session_of(errors, "court_session", case, court_session)
        if Remand.objects.select_for_update().filter(track=track, ended_on__isnull=True).exists():
            add_error(errors, ALL, _("The child is already on remand: end that remand first."))
        raise_errors(errors)
        assert isinstance(institution, OrgUnit) and started_on is not None
        remand = Remand.objects.create(
            track=track,
            case=case,
            institution=institution,
            court_session=court_session,
            started_on=started_on,
            recorded_by=actor,
        )
        _event(
            case,
            actor,
            "remand_start",
            "justice.remand_started",
            request,
            institution=str(institution.public_id),
            date=date_param(started_on),
        )
    return remand


def _end_remand(remand: Remand, ended_on: dt.date, reason: str) -> None:
    remand.ended_on, remand.end_reason = ended_on, reason
    remand.save(update_fields=["ended_on", "end_reason", "updated_at"])


def remand_end(
    *,
    actor: User,
    remand: Remand,
    ended_on: dt.date | None,
    end_reason: str = "",
    request: HttpRequest | None = None,
) -> Remand:
    """Record the end of a remand (released on bail, disposition, transfer)."""
    with transaction.atomic(durable=True):
        case = _lock_case(actor, remand.case)
        remand = Remand.objects.select_for_update().select_related("institution").get(pk=remand.pk)
        errors: Errors = {}
        if remand.ended_on is not None:
            add_error(errors, ALL, _("This remand has already ended."))
        check_date(errors, "ended_on", ended_on, _("Enter the date the remand ended."))
        if ended_on is not None and ended_on < remand.started_on:
            add_error(errors, "ended_on", _("A remand cannot end before it started."))
        end_reason = clean_text(errors, "end_reason", end_reason, 200)
        raise_errors(errors)
        assert ended_on is not None
        _end_remand(remand, ended_on, end_reason)
        _event(
            case,
            actor,
            "remand_end",
            "justice.remand_ended",
            request,
            institution=str(remand.institution.public_id),
            date=date_param(ended_on),
        )
    return remand


# --- reports ----------------------------------------------------------------------------------


def justice_report_add(
    *,
    actor: User,
    track: JusticeTrack,
    kind: str,
    submitted_on: dt.date | None,
    recommendation: str,
    court_session: CourtSession | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> JusticeReport:
    """Record a probation officer's or children's officer's report to the court."""
    with transaction.atomic(durable=True):
        case = _lock_case(actor, track.case)
        errors: Errors = {}
        if kind not in JusticeReport.Kind.values:
            add_error(errors, "kind", _("Choose the type of report."))
        check_date(errors, "submitted_on", submitted_on, _("Enter the date the report was submitted."))
        recommendation = clean_text(
            errors, "recommendation", recommendation, 300, required=_("Enter the report's recommendation.")
        )
        notes = clean_text(errors, "notes", notes, MAX_TEXT)
        _session_of(errors, "court_session", case, court_session)
        raise_errors(errors)
        assert submitted_on is not None
        report = JusticeReport.objects.create(
            track=track,
            case=case,
            kind=kind,
            submitted_on=submitted_on,
            court_session=court_session,
            recommendation=recommendation,
            notes=notes,
            recorded_by=actor,
        )
        _event(case, actor, "report", "justice.report_added", request, date=date_param(submitted_on))
    return report


# --- disposition ------------------------------------------------------------------------------


def _check_disposition(
    errors: Errors,
    *,
    case: Case,
    track: JusticeTrack,
    disposition: str,
    decided_on: dt.date | None,
    court_order: CourtOrder | None,
    institution: OrgUnit | None,
) -> None:
    if track.disposition:
        add_error(errors, ALL, _("A disposition is already recorded on this track."))
    if disposition not in JusticeTrack.Disposition.values:
        add_error(errors, "disposition", _("Choose the disposition."))
        return
    check_date(errors, "decided_on", decided_on, _("Enter the date of the disposition."))
    if decided_on is not None and decided_on < track.arrested_on:
        add_error(errors, "decided_on", _("This cannot be before the arrest."))
    if court_order is None:
        add_error(errors, "court_order", _("Choose the court order (record it on the court page first)."))
    elif court_order.session.case_id != case.pk:
        add_error(errors, "court_order", _("Choose a court order of this case."))
    elif court_order.order_type.code != ORDER_FOR[D(disposition)]:
        add_error(errors, "court_order", _("This court order does not match the disposition."))
    kind = INSTITUTION_FOR.get(D(disposition))
    if kind is None and institution is not None:
        add_error(errors, "institution", _("Only a committal places the child in an institution."))
    elif kind is not None and (not isinstance(institution, OrgUnit) or institution.kind != kind):
        add_error(
            errors,
            "institution",
            _("Choose a rehabilitation school.")
            if kind == OrgUnit.Kind.REHABILITATION_SCHOOL
            else _("Choose a borstal."),
        )


def justice_disposition_record(
    *,
    actor: User,
    track: JusticeTrack,
    expected_version: int | None,
    disposition: str,
    decided_on: dt.date | None,
    court_order: CourtOrder | None,
    institution: OrgUnit | None = None,
    request: HttpRequest | None = None,
) -> JusticeTrack:
    """Record the disposition, made by ``court_order`` (recorded through the court app). A
    committal admits the child to the rehabilitation school or borstal (a care placement under
    that order); an open remand ends on the day of the disposition."""
    with transaction.atomic(durable=True):
        case, track = _lock_track(actor, track, expected_version)
        errors: Errors = {}
        _check_disposition(
            errors,
            case=case,
            track=track,
            disposition=disposition,
            decided_on=decided_on,
            court_order=court_order,
            institution=institution,
        )
        raise_errors(errors)
        assert decided_on is not None and court_order is not None
        open_remand = Remand.objects.select_for_update().filter(track=track, ended_on__isnull=True).first()
        if open_remand is not None:
            if decided_on < open_remand.started_on:
                raise ValidationError({"decided_on": [_("The disposition cannot come before the remand started.")]})
            _end_remand(open_remand, decided_on, _("Disposition"))
        placement = None
        if track.is_committal or disposition in JusticeTrack.COMMITTALS:
            session = court_order.session
            placement = placement_admit(
                actor=actor,
                child=case.child,
                case=case,
                care_type=_code("alternative_family_care_type_id", INSTITUTIONAL_CARE),
                admitted_on=decided_on,
                admission_type=_code("admission_type_id", NEW_ADMISSION),
                admission_reason=_code("admission_reason_id", OFFENDER_ADMISSION_REASON),
                institution=institution,
                order=OrderInput(
                    court=session.court,
                    court_name=session.court_name,
                    date=court_order.made_on,
                    period_months=court_order.period_months,
                ),
                request=request,
            )
        track.disposition, track.disposed_on, track.disposition_order = disposition, decided_on, court_order
        track.placement = placement
        track.order_expires_on = court_order.expires_on
        _save(track, "disposition", "disposed_on", "disposition_order", "placement", "order_expires_on")
        _event(
            case,
            actor,
            "disposition",
            "justice.disposition",
            request,
            date=date_param(decided_on),
            disposition=disposition,
        )
    return track


def _code(list_name: str, code: str) -> Code:
    return Code.objects.get(code_list__name=list_name, code=code)


# --- aftercare --------------------------------------------------------------------------------


def justice_aftercare_start(
    *,
    actor: User,
    track: JusticeTrack,
    expected_version: int | None,
    started_on: dt.date | None,
    plan: str,
    request: HttpRequest | None = None,
) -> JusticeTrack:
    """Start aftercare after the disposition (the plan for the child's return to the community)."""
    with transaction.atomic(durable=True):
        case, track = _lock_track(actor, track, expected_version)
        errors: Errors = {}
        if not track.disposition:
            add_error(errors, ALL, _("Record the disposition before aftercare."))
        if track.aftercare_started_on is not None:
            add_error(errors, ALL, _("Aftercare has already started."))
        check_date(errors, "started_on", started_on, _("Enter the date aftercare started."))
        if started_on is not None and track.disposed_on is not None and started_on < track.disposed_on:
            add_error(errors, "started_on", _("Aftercare cannot start before the disposition."))
        plan = clean_text(errors, "plan", plan, MAX_TEXT, required=_("Describe the aftercare plan."))
        raise_errors(errors)
        track.aftercare_started_on, track.aftercare_plan = started_on, plan
        _save(track, "aftercare_started_on", "aftercare_plan")
        _event(case, actor, "aftercare", "justice.aftercare", request, date=date_param(started_on))  # type: ignore[arg-type]
    return track

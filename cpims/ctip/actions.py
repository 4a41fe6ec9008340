"""Every write to a CTiP track. Keyword-only, typed; each action is one durable transaction that
locks the case, checks through the scope rules that the actor may work on it *and* see its
sensitive sections (``case.update`` and ``case.view_sensitive``: 404 outside scope, 403 without
them), validates, and only then writes the record and its audit event (``ctip.*``).

CTiP details stay off the case timeline, which every viewer of the case reads: the audit log
records who did what. Problems raise ``ValidationError`` (translatable messages keyed by field),
``StaleEdit`` (someone changed the track since the editor read it), ``PermissionDenied`` or
``Http404``; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases.models import Case
from cpims.cases.queries import case_has_category
from cpims.core.edits import lock_for_edit
from cpims.core.models import BaseModel, Code
from cpims.core.validation import Errors, add_error, check_date, clean_text, in_list, raise_errors
from cpims.court.models import CourtSession
from cpims.ctip.models import (
    CATEGORY_CODES,
    COUNTRY_LIST,
    INDICATOR_LISTS,
    KENYA,
    MEANS_LIST,
    PURPOSE_LIST,
    RECRUITMENT_LIST,
    TRAFFICKING_TYPE_LIST,
    TRANSPORT_LIST,
    Assistance,
    CtipTrack,
    FollowUp,
    Referral,
    Return,
    Tracing,
)
from cpims.geo.models import OrgUnit

WRITE = (P.CASE_UPDATE, P.CASE_VIEW_SENSITIVE)
R = TypeVar("R", bound=BaseModel)

# --- helpers ----------------------------------------------------------------------------------


def _lock_case(actor: User, case: Case) -> Case:
    """The case row locked for this transaction, if ``actor`` may work on its CTiP track."""
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True))
    case = scope.get_for(actor, Case.objects.all(), view=P.CASE_VIEW, write=WRITE, pk=case.pk)
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("This case is closed: its CTiP track can no longer change."), code="closed")
    return case


def _lock_track(actor: User, track: CtipTrack, expected_version: int | None = None) -> CtipTrack:
    _lock_case(actor, track.case)
    return lock_for_edit(
        track,
        field="version",
        expected=expected_version,
        message=_("Someone changed this CTiP track since you opened it. Reload it and try again."),
    )


def _check_code(errors: Errors, field: str, code: Any, lists: str | Iterable[str], message: str) -> None:
    names = (lists,) if isinstance(lists, str) else tuple(lists)
    if code is not None and not any(in_list(code, name) for name in names):
        add_error(errors, field, message)


def _check_step_date(errors: Errors, field: str, value: dt.date | None, track: CtipTrack, missing: str) -> None:
    check_date(errors, field, value, missing)
    if value is not None and value < track.identified_on:
        add_error(errors, field, _("This date cannot be before the child was identified."))


def _check_unit(errors: Errors, field: str, unit: OrgUnit | None, *, required: bool = False) -> None:
    if unit is None:
        if required:
            add_error(errors, field, _("Choose the organisation."))
    elif not unit.is_active:
        add_error(errors, field, _("This organisation is no longer active."))


def _advance(track: CtipTrack, stage: str) -> list[str]:
    order = CtipTrack.STAGE_ORDER
    if order.index(stage) > order.index(track.stage):
        track.stage = stage
        return ["stage"]
    return []


def _audit(actor: User, action: str, track: CtipTrack, request: HttpRequest | None, **details: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=track,
        object_label=track.case.case_number,
        request=request,
        details={"case": str(track.case.public_id), **details},
    )


def _add(
    actor: User,
    track: CtipTrack,
    errors: Errors,
    record: R,
    action: str,
    stage: str | None,
    request: HttpRequest | None,
) -> R:
    """Save ``record`` (a new row of the track), advance the track's stage and audit, once the
    track is locked and the input has no problem."""
    raise_errors(errors)
    record.save()
    changed = _advance(track, stage) if stage else []
    if changed:
        track.save(update_fields=[*changed, "updated_at"])
    _audit(actor, action, track, request, record=str(record.public_id), stage=track.stage)
    return record


# --- identification and screening --------------------------------------------------------------


def _validate_identification(
    *,
    identified_on: dt.date | None,
    trafficking_type: Code | None,
    nationality: Code | None,
    country_of_origin: Code | None,
    route: str,
    transport: Code | None,
    recruitment: Code | None,
    means: list[Code],
    purpose: Code | None,
    indicators: list[Code],
    screening_notes: str,
    reported_on: dt.date,
) -> tuple[Errors, dict[str, Any]]:
    errors: Errors = {}
    check_date(errors, "identified_on", identified_on, _("Enter the date the child was identified."))
    if identified_on is not None and identified_on < reported_on:
        add_error(errors, "identified_on", _("The child cannot be identified before the case was reported."))
    for field, code, lst in (
        ("trafficking_type", trafficking_type, TRAFFICKING_TYPE_LIST),
        ("nationality", nationality, COUNTRY_LIST),
        ("country_of_origin", country_of_origin, COUNTRY_LIST),
        ("purpose", purpose, PURPOSE_LIST),
    ):
        if code is None:
            add_error(errors, field, _("This field is required."))
        _check_code(errors, field, code, lst, _("Choose a value from the list."))
    _check_code(errors, "transport", transport, TRANSPORT_LIST, _("Choose a value from the list."))
    _check_code(errors, "recruitment", recruitment, RECRUITMENT_LIST, _("Choose a value from the list."))
    for code in means:
        _check_code(errors, "means", code, MEANS_LIST, _("Choose the means from the CTiP list."))
    for code in indicators:
        _check_code(errors, "indicators", code, INDICATOR_LISTS, _("Choose the indicators from the CTiP list."))
    fields = {
        "identified_on": identified_on,
        "trafficking_type": trafficking_type,
        "nationality": nationality,
        "country_of_origin": country_of_origin,
        "route": clean_text(errors, "route", route, 300),
        "transport": transport,
        "recruitment": recruitment,
        "purpose": purpose,
        "screening_notes": clean_text(errors, "screening_notes", screening_notes),
    }
    return errors, fields


def is_ctip_case(case: Case) -> bool:
    return case_has_category(case, CATEGORY_CODES)


def ctip_identify(
    *,
    actor: User,
    case: Case,
    identified_on: dt.date | None,
    trafficking_type: Code | None,
    nationality: Code | None,
    country_of_origin: Code | None,
    purpose: Code | None,
    route: str = "",
    transport: Code | None = None,
    recruitment: Code | None = None,
    means: Iterable[Code] = (),
    indicators: Iterable[Code] = (),
    screening_notes: str = "",
    request: HttpRequest | None = None,
) -> CtipTrack:
    """Open the CTiP track of a trafficking or smuggling case with the identification form."""
    means, indicators = list(means), list(indicators)
    with transaction.atomic(durable=True):
        case = _lock_case(actor, case)
        if not is_ctip_case(case):
            raise ValidationError(
                _("Only a case with the category trafficked child or smuggling has a CTiP track."), code="category"
            )
        if CtipTrack.objects.filter(case=case).exists():
            raise ValidationError(_("This case already has a CTiP track."), code="exists")
        errors, fields = _validate_identification(
            **fields_in(locals(), IDENTIFICATION_FIELDS),
            means=means,
            indicators=indicators,
            reported_on=case.reported_on,
        )
        raise_errors(errors)
        track = CtipTrack.objects.create(case=case, recorded_by=actor, **fields)
        track.means.set(means)
        track.indicators.set(indicators)
        _audit(actor, "ctip.identify", track, request, purpose=track.purpose.code, nationality=track.nationality.code)
        return track


IDENTIFICATION_FIELDS = (
    "identified_on",
    "trafficking_type",
    "nationality",
    "country_of_origin",
    "route",
    "transport",
    "recruitment",
    "purpose",
    "screening_notes",
)


def fields_in(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: values[name] for name in names}


def ctip_identification_update(
    *,
    actor: User,
    track: CtipTrack,
    expected_version: int | None,
    identified_on: dt.date | None,
    trafficking_type: Code | None,
    nationality: Code | None,
    country_of_origin: Code | None,
    purpose: Code | None,
    route: str = "",
    transport: Code | None = None,
    recruitment: Code | None = None,
    means: Iterable[Code] = (),
    indicators: Iterable[Code] = (),
    screening_notes: str = "",
    request: HttpRequest | None = None,
) -> CtipTrack:
    """Correct the identification and screening form (send the version you read)."""
    means, indicators = list(means), list(indicators)
    with transaction.atomic(durable=True):
        current = _lock_track(actor, track, expected_version)
        errors, fields = _validate_identification(
            **fields_in(locals(), IDENTIFICATION_FIELDS),
            means=means,
            indicators=indicators,
            reported_on=current.case.reported_on,
        )
        if fields["identified_on"] and current.pk:
            first = _earliest_step(current)
            if first is not None and fields["identified_on"] > first:
                add_error(errors, "identified_on", _("Later steps of this track are dated before this date."))
        raise_errors(errors)
        for name, value in fields.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        current.means.set(means)
        current.indicators.set(indicators)
        _audit(actor, "ctip.identification_edit", current, request, version=current.version)
        return current


def _earliest_step(track: CtipTrack) -> dt.date | None:
    dates = [
        Assistance.objects.filter(track=track).aggregate(d=models.Min("given_on"))["d"],
        Tracing.objects.filter(track=track).aggregate(d=models.Min("traced_on"))["d"],
        Return.objects.filter(track=track).aggregate(d=models.Min("travelled_on"))["d"],
        FollowUp.objects.filter(track=track).aggregate(d=models.Min("visited_on"))["d"],
        Referral.objects.filter(track=track).aggregate(d=models.Min("referred_on"))["d"],
    ]
    known = [d for d in dates if d is not None]
    return min(known) if known else None


# --- the steps ----------------------------------------------------------------------------------


def ctip_assistance_add(
    *,
    actor: User,
    track: CtipTrack,
    kind: str,
    given_on: dt.date | None,
    provider: OrgUnit | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Assistance:
    """Record immediate assistance: shelter, medical, psycho-social or legal."""
    with transaction.atomic(durable=True):
        track = _lock_track(actor, track)
        errors: Errors = {}
        if kind not in Assistance.Kind.values:
            add_error(errors, "kind", _("Choose the kind of assistance."))
        _check_step_date(errors, "given_on", given_on, track, _("Enter the date the assistance was given."))
        _check_unit(errors, "provider", provider)
        record = Assistance(
            track=track,
            kind=kind,
            given_on=cast(dt.date, given_on),  # checked: _add raises first when missing
            provider=provider,
            notes=clean_text(errors, "notes", notes),
            recorded_by=actor,
        )
        return _add(actor, track, errors, record, "ctip.assistance_add", CtipTrack.Stage.ASSISTED, request)


def ctip_tracing_add(
    *,
    actor: User,
    track: CtipTrack,
    traced_on: dt.date | None,
    outcome: str,
    country: Code | None,
    assessment: str = Tracing.Assessment.NOT_ASSESSED,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Tracing:
    """Record a family tracing attempt and, when the family was found, its assessment."""
    with transaction.atomic(durable=True):
        track = _lock_track(actor, track)
        errors: Errors = {}
        _check_step_date(errors, "traced_on", traced_on, track, _("Enter the date of the tracing."))
        if outcome not in Tracing.Outcome.values:
            add_error(errors, "outcome", _("Choose the outcome of the tracing."))
        if assessment not in Tracing.Assessment.values:
            add_error(errors, "assessment", _("Choose the assessment of the family."))
        elif outcome == Tracing.Outcome.NOT_FOUND and assessment != Tracing.Assessment.NOT_ASSESSED:
            add_error(errors, "assessment", _("A family not found cannot be assessed."))
        if country is None:
            add_error(errors, "country", _("This field is required."))
        _check_code(errors, "country", country, COUNTRY_LIST, _("Choose a value from the list."))
        record = Tracing(
            track=track,
            traced_on=cast(dt.date, traced_on),  # checked: _add raises first when missing
            outcome=outcome,
            country=country,
            assessment=assessment,
            notes=clean_text(errors, "notes", notes),
            recorded_by=actor,
        )
        found = outcome == Tracing.Outcome.FOUND
        return _add(
            actor, track, errors, record, "ctip.tracing_add", CtipTrack.Stage.TRACED if found else None, request
        )


def ctip_return_add(
    *,
    actor: User,
    track: CtipTrack,
    kind: str,
    travelled_on: dt.date | None,
    country: Code | None,
    travel_document: str,
    escort: str = "",
    receiving_agency: OrgUnit | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Return:
    """Record the child's repatriation to another country or return within Kenya."""
    with transaction.atomic(durable=True):
        track = _lock_track(actor, track)
        errors: Errors = {}
        if kind not in Return.Kind.values:
            add_error(errors, "kind", _("Choose repatriation or return."))
        _check_step_date(errors, "travelled_on", travelled_on, track, _("Enter the date of travel."))
        if country is None:
            add_error(errors, "country", _("This field is required."))
        _check_code(errors, "country", country, COUNTRY_LIST, _("Choose a value from the list."))
        if country is not None and kind == Return.Kind.REPATRIATION and country.code == KENYA:
            add_error(errors, "country", _("A repatriation is to another country: choose a return within Kenya."))
        if country is not None and kind == Return.Kind.RETURN and country.code != KENYA:
            add_error(errors, "country", _("A return within Kenya is to Kenya: choose a repatriation."))
        if travel_document not in Return.Document.values:
            add_error(errors, "travel_document", _("Choose the travel document."))
        _check_unit(errors, "receiving_agency", receiving_agency)
        record = Return(
            track=track,
            kind=kind,
            travelled_on=cast(dt.date, travelled_on),  # checked: _add raises first when missing
            country=country,
            travel_document=travel_document,
            escort=clean_text(errors, "escort", escort, 200),
            receiving_agency=receiving_agency,
            notes=clean_text(errors, "notes", notes),
            recorded_by=actor,
        )
        return _add(actor, track, errors, record, "ctip.return_add", CtipTrack.Stage.RETURNED, request)


def ctip_followup_add(
    *,
    actor: User,
    track: CtipTrack,
    visited_on: dt.date | None,
    status: str,
    notes: str = "",
    request: HttpRequest | None = None,
) -> FollowUp:
    """Record a follow-up of the child's reintegration."""
    with transaction.atomic(durable=True):
        track = _lock_track(actor, track)
        errors: Errors = {}
        _check_step_date(errors, "visited_on", visited_on, track, _("Enter the date of the follow-up."))
        if status not in FollowUp.Status.values:
            add_error(errors, "status", _("Choose how the child is."))
        record = FollowUp(
            track=track,
            visited_on=cast(dt.date, visited_on),  # checked: _add raises first when missing
            status=status,
            notes=clean_text(errors, "notes", notes),
            recorded_by=actor,
        )
        return _add(actor, track, errors, record, "ctip.followup_add", CtipTrack.Stage.REINTEGRATION, request)


def ctip_referral_add(
    *,
    actor: User,
    track: CtipTrack,
    to_unit: OrgUnit | None,
    referred_on: dt.date | None,
    reason: str,
    notes: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Refer the child across borders: to the CTiP Secretariat or a foreign agency."""
    with transaction.atomic(durable=True):
        track = _lock_track(actor, track)
        errors: Errors = {}
        _check_unit(errors, "to_unit", to_unit, required=True)
        _check_step_date(errors, "referred_on", referred_on, track, _("Enter the date of the referral."))
        record = Referral(
            track=track,
            to_unit=to_unit,
            referred_on=cast(dt.date, referred_on),  # checked: _add raises first when missing
            reason=clean_text(errors, "reason", reason, 300, required=_("Say why the child is referred.")),
            notes=clean_text(errors, "notes", notes),
            recorded_by=actor,
        )
        return _add(actor, track, errors, record, "ctip.referral_add", None, request)


# --- edits of the track -----------------------------------------------------------------------


def _edit_track(
    *,
    actor: User,
    current: CtipTrack,
    errors: Errors,
    fields: dict[str, Any],
    action: str,
    stage: str | None,
    request: HttpRequest | None,
) -> CtipTrack:
    raise_errors(errors)
    for name, value in fields.items():
        setattr(current, name, value)
    if stage:
        _advance(current, stage)
    current.version += 1
    current.save()
    _audit(actor, action, current, request, version=current.version, stage=current.stage)
    return current


def ctip_plan_update(
    *,
    actor: User,
    track: CtipTrack,
    expected_version: int | None,
    reintegration_plan: str,
    plan_agreed_on: dt.date | None,
    request: HttpRequest | None = None,
) -> CtipTrack:
    """Record the reintegration plan agreed with the child and family."""
    with transaction.atomic(durable=True):
        current = _lock_track(actor, track, expected_version)
        errors: Errors = {}
        plan = clean_text(errors, "reintegration_plan", reintegration_plan, required=_("Write the plan."))
        _check_step_date(errors, "plan_agreed_on", plan_agreed_on, current, _("Enter the date the plan was agreed."))
        return _edit_track(
            actor=actor,
            current=current,
            errors=errors,
            fields={"reintegration_plan": plan, "plan_agreed_on": plan_agreed_on},
            action="ctip.plan_edit",
            stage=CtipTrack.Stage.REINTEGRATION,
            request=request,
        )


def ctip_prosecution_update(
    *,
    actor: User,
    track: CtipTrack,
    expected_version: int | None,
    police_ob_number: str = "",
    police_station: OrgUnit | None = None,
    court_case_number: str = "",
    court_session: CourtSession | None = None,
    request: HttpRequest | None = None,
) -> CtipTrack:
    """Link the track to the prosecution: the police OB number and the court case."""
    with transaction.atomic(durable=True):
        current = _lock_track(actor, track, expected_version)
        errors: Errors = {}
        if police_station is not None and police_station.kind != OrgUnit.Kind.POLICE_STATION:
            add_error(errors, "police_station", _("Choose a police station."))
        if court_session is not None and court_session.case_id != current.case_id:
            add_error(errors, "court_session", _("Choose a court session of this case."))
        fields = {
            "police_ob_number": clean_text(errors, "police_ob_number", police_ob_number, 60),
            "police_station": police_station,
            "court_case_number": clean_text(errors, "court_case_number", court_case_number, 60),
            "court_session": court_session,
        }
        return _edit_track(
            actor=actor,
            current=current,
            errors=errors,
            fields=fields,
            action="ctip.prosecution_edit",
            stage=None,
            request=request,
        )

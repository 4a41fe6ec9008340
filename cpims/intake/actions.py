"""Every write to intake. Keyword-only, validated before anything is written, one transaction with
its audit event.

Problems raise ``django.core.exceptions.ValidationError`` (translatable, keyed by field where a
field is at fault) or ``PermissionDenied``; nothing is written then. Audit events of intake never
hold personal data: the reference, the channel and ids only.

* ``report_submit_public`` — the public "report a concern" page (no login).
* ``report_record`` — an officer or partner records a concern (case.create or intake.triage).
* ``report_receive`` — a partner system (helpline 116) through the API (intake.submit);
  idempotent by the partner's own reference; the reference sent again with other content is
  refused (``ReplayRefused``) and kept for review (``replay_mark_reviewed``).
* ``report_open_case`` / ``report_link_case`` / ``report_dismiss`` — triage (intake.triage over the
  report). A report is triaged once: a second attempt is refused with who did it and when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.core.validation import raise_errors
from cpims.geo.models import Area, OrgUnit
from cpims.intake.content import report_content, stored_content
from cpims.intake.models import IntakeReport, ReplayedReport
from cpims.intake.references import new_reference

WHAT_HAPPENED_MIN = 10
WHAT_HAPPENED_MAX = 4000
OLDEST_EVENT_YEARS = 18
REFERENCE_ATTEMPTS = 5

_TEXT_LIMITS = {
    "place": 200,
    "child_name": 200,
    "reporter_name": 200,
    "reporter_contact": 200,
    "reporter_relationship": 120,
}


@dataclass
class ReportInput:
    """What a form or the API gives for one reported concern."""

    what_happened: str
    county: Area | None
    sub_county: Area | None = None
    ward: Area | None = None
    place: str = ""
    happened_on: dt.date | None = None
    child_name: str = ""
    child_age: int | None = None
    child_sex: str = ""
    anonymous: bool = False
    reporter_name: str = ""
    reporter_contact: str = ""
    reporter_relationship: str = ""
    urgent: bool = False


def validate_report(data: ReportInput, today: dt.date | None = None) -> dict[str, list[str]]:
    """Problems with a report, by field (empty when all is well). Reads, never writes."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    text = (data.what_happened or "").strip()
    if len(text) < WHAT_HAPPENED_MIN:
        add("what_happened", _("Tell us what happened, in a few words at least."))
    elif len(text) > WHAT_HAPPENED_MAX:
        add("what_happened", _("Use at most %(n)d characters.") % {"n": WHAT_HAPPENED_MAX})
    county, sub_county, ward = data.county, data.sub_county, data.ward
    if county is None:
        add("county", _("Choose the county where it happened."))
    elif not isinstance(county, Area) or county.level != Area.Level.COUNTY:
        add("county", _("Choose a county from the list."))
    if sub_county is not None and (not isinstance(sub_county, Area) or sub_county.level != Area.Level.SUB_COUNTY):
        add("sub_county", _("Choose a sub-county from the list."))
    if ward is not None and (not isinstance(ward, Area) or ward.level != Area.Level.WARD):
        add("ward", _("Choose a ward from the list."))
    if not errors:
        if sub_county is not None and county is not None and sub_county.county_id != county.pk:
            add("sub_county", _("This sub-county is not in the chosen county."))
        if ward is not None and sub_county is None:
            add("sub_county", _("Choose the sub-county of the ward."))
        elif ward is not None and sub_county is not None and ward.sub_county_id != sub_county.pk:
            add("ward", _("This ward is not in the chosen sub-county."))
    if data.happened_on is not None:
        if data.happened_on > today:
            add("happened_on", _("The date cannot be in the future."))
        elif data.happened_on.year < today.year - OLDEST_EVENT_YEARS:
            add("happened_on", _("The date is too long ago; check the year."))
    if data.child_age is not None and not 0 <= data.child_age <= 17:
        add("child_age", _("A child is under 18: enter an age from 0 to 17, or leave it empty."))
    if data.child_sex not in ("", *IntakeReport.ChildSex.values):
        add("child_sex", _("Choose girl, boy or not known."))
    for name, limit in _TEXT_LIMITS.items():
        if len((getattr(data, name) or "").strip()) > limit:
            add(name, _("Use at most %(n)d characters.") % {"n": limit})
    return errors


def triage_office(county: Area, sub_county: Area | None) -> OrgUnit | None:
    """The DCS office whose queue a report lands in: the sub-county office, else the county office."""
    if sub_county is not None:
        office = (
            OrgUnit.objects.filter(kind=OrgUnit.Kind.SUB_COUNTY_OFFICE, sub_county=sub_county, is_active=True)
            .order_by("code")
            .first()
        )
        if office is not None:
            return office
    return (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COUNTY_OFFICE, county=county, is_active=True).order_by("code").first()
    )


def _report_fields(data: ReportInput) -> dict[str, Any]:
    """The report's fields as stored: stripped, and without a reporter's name or contact when the
    reporter chose to stay anonymous (whatever the form carried)."""
    anonymous = bool(data.anonymous)
    return {
        "urgent": bool(data.urgent),
        "what_happened": data.what_happened.strip(),
        "county": data.county,
        "sub_county": data.sub_county,
        "ward": data.ward,
        "place": (data.place or "").strip(),
        "happened_on": data.happened_on,
        "child_name": (data.child_name or "").strip(),
        "child_age": data.child_age,
        "child_sex": data.child_sex or "",
        "anonymous": anonymous,
        "reporter_name": "" if anonymous else (data.reporter_name or "").strip(),
        "reporter_contact": "" if anonymous else (data.reporter_contact or "").strip(),
        "reporter_relationship": (data.reporter_relationship or "").strip(),
    }


def _create(
    *,
    channel: str,
    data: ReportInput,
    recorded_by: User | None = None,
    partner: Any = None,
    external_reference: str = "",
) -> IntakeReport:
    """Insert the report with a fresh reference (retrying on the rare clash). Call inside a transaction."""
    fields = {
        "channel": channel,
        **_report_fields(data),
        "recorded_by": recorded_by,
        "partner": partner,
        "external_reference": external_reference,
        "office": triage_office(data.county, data.sub_county),  # type: ignore[arg-type]
    }
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                return IntakeReport.objects.create(reference=new_reference(), **fields)
        except IntegrityError:
            clash = IntakeReport.objects.filter(partner=partner, external_reference=external_reference)
            if partner is not None and external_reference and clash.exists():
                raise
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _audit_report(actor: User | None, report: IntakeReport, request: HttpRequest | None, **details: Any) -> None:
    audit_record(
        actor=actor,
        action="intake.report",
        obj=report,
        object_label=report.reference,
        request=request,
        details={"channel": report.channel, "urgent": report.urgent, **details},
    )


def report_submit_public(*, data: ReportInput) -> IntakeReport:
    """A concern reported on the public page. No request is passed on: the audit event keeps no
    address, so a reporter who chose to stay anonymous is not traceable through our logs."""
    raise_errors(validate_report(data))
    with transaction.atomic(durable=True):
        report = _create(channel=IntakeReport.Channel.PUBLIC, data=data)
        _audit_report(None, report, None)
    return report


def report_record(*, actor: User, data: ReportInput, request: HttpRequest | None = None) -> IntakeReport:
    """An officer or partner records a concern into the triage queue."""
    if not (scope.has_perm(actor, P.CASE_CREATE) or scope.has_perm(actor, P.INTAKE_TRIAGE)):
        raise PermissionDenied
    raise_errors(validate_report(data))
    with transaction.atomic(durable=True):
        report = _create(channel=IntakeReport.Channel.STAFF, data=data, recorded_by=actor)
        _audit_report(actor, report, request)
    return report


def report_receive(
    *, actor: User, data: ReportInput, external_reference: str, request: HttpRequest | None = None
) -> tuple[IntakeReport, bool]:
    """A concern sent by a partner system. Returns (report, created): the same partner sending the
    same reference again gets the report it made the first time, and nothing new is written."""
    scope.require_perm(actor, P.INTAKE_SUBMIT)
    external_reference = (external_reference or "").strip()
    existing = IntakeReport.objects.filter(partner=actor, external_reference=external_reference).first()
    if external_reference and existing is not None:
        return _repeated(actor, existing, data, request), False
    errors = validate_report(data)
    if not external_reference:
        errors.setdefault("external_reference", []).append(_("Send your own reference for this report."))
    elif len(external_reference) > 100:
        errors.setdefault("external_reference", []).append(_("Use at most %(n)d characters.") % {"n": 100})
    raise_errors(errors)
    try:
        with transaction.atomic(durable=True):
            report = _create(
                channel=IntakeReport.Channel.API, data=data, partner=actor, external_reference=external_reference
            )
            _audit_report(actor, report, request, via="api")
    except IntegrityError:
        # The same reference sent twice at the same moment: the other request made it.
        existing = IntakeReport.objects.filter(partner=actor, external_reference=external_reference).first()
        if existing is None:
            raise
        return _repeated(actor, existing, data, request), False
    return report, True


class ReplayRefused(Exception):
    """A partner sent a reference it had used before, with other content: refused, and kept."""

    def __init__(self, report: IntakeReport) -> None:
        super().__init__(report.reference)
        self.report = report


def _repeated(actor: User, report: IntakeReport, data: ReportInput, request: HttpRequest | None) -> IntakeReport:
    """The same reference again: the same content is a retry and gets the report back; other
    content is refused with ``ReplayRefused`` and kept (once) for the triage officer to compare."""
    content = report_content(_report_fields(data))
    if content == stored_content(report):
        return report
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    with transaction.atomic(durable=True):
        replay, created = ReplayedReport.objects.get_or_create(
            report=report, fingerprint=fingerprint, defaults={"content": content}
        )
        if created:
            audit_record(
                actor=actor,
                action="intake.replay_refused",
                obj=report,
                object_label=report.reference,
                request=request,
                details={"replay": replay.pk},
            )
    raise ReplayRefused(report)


def replay_mark_reviewed(*, actor: User, replay: ReplayedReport, request: HttpRequest | None = None) -> None:
    """The triage officer has compared a refused replay with the report (and changed the case, if
    the later content mattered, through the case's own pages)."""
    with transaction.atomic(durable=True):
        locked = ReplayedReport.objects.select_for_update().select_related("report").get(pk=replay.pk)
        if not scope.can(actor, P.INTAKE_TRIAGE, locked.report):
            raise PermissionDenied
        if locked.reviewed_at is not None:
            return
        locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
        locked.save(update_fields=["reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action="intake.replay_reviewed",
            obj=locked.report,
            object_label=locked.report.reference,
            request=request,
            details={"replay": locked.pk},
        )


# --- Triage ---------------------------------------------------------------------------------------


def _lock_open(actor: User, report: IntakeReport) -> IntakeReport:
    """The report row, locked; refused unless the actor may triage it and it still waits for triage."""
    locked = IntakeReport.objects.select_for_update().get(pk=report.pk)
    if not scope.can(actor, P.INTAKE_TRIAGE, locked):
        raise PermissionDenied
    if locked.status != IntakeReport.Status.NEW:
        by = locked.triaged_by.get_username() if locked.triaged_by else "-"
        when = date_format(timezone.localtime(locked.triaged_at), "SHORT_DATETIME_FORMAT") if locked.triaged_at else "-"
        raise ValidationError(
            _("This report was already triaged (%(status)s) by %(user)s on %(when)s. Nothing was changed.")
            % {"status": locked.get_status_display(), "user": by, "when": when},
            code="already_triaged",
        )
    return locked


def _precheck(actor: User, report: IntakeReport) -> None:
    if not scope.can(actor, P.INTAKE_TRIAGE, report):
        raise PermissionDenied


def _finish(
    *,
    actor: User,
    report: IntakeReport,
    status: str,
    request: HttpRequest | None,
    case: Any = None,
    reason: str = "",
    note: str = "",
) -> IntakeReport:
    report.status = status
    report.triaged_by = actor
    report.triaged_at = timezone.now()
    report.case = case
    report.dismiss_reason = reason
    report.triage_note = note
    report.save()
    details: dict[str, Any] = {"outcome": status}
    if case is not None:
        details["case"] = str(case.public_id)
    if reason:
        details["reason"] = reason
    audit_record(
        actor=actor, action="intake.triage", obj=report, object_label=report.reference, request=request, details=details
    )
    return report


def report_open_case(
    *,
    actor: User,
    report: IntakeReport,
    office: OrgUnit,
    reporter_type: Any,
    categories: list[dict[str, Any]],
    child: Any = None,
    new_child: Any = None,
    perpetrators: Sequence[dict[str, Any]] = (),
    request: HttpRequest | None = None,
    **case_fields: Any,
) -> Any:
    """Triage ``report`` into a new case for ``child`` (a registered child the actor may see) or for
    ``new_child`` (a ``registry.actions.PersonInput``, registered at ``office`` through the
    registry; the caller runs the duplicate check first). The case is opened through
    ``cases.actions.case_open`` with what the report said (date, reporter, where it happened, the
    narrative as notes) unless ``case_fields`` say otherwise. Returns the case."""
    from cpims.cases.actions import case_open
    from cpims.registry.actions import child_register

    _precheck(actor, report)
    if (child is None) == (new_child is None):
        raise ValidationError({"child": [_("Choose a registered child, or register a new one.")]})
    fields: dict[str, Any] = {
        "reported_on": timezone.localtime(report.created_at).date(),
        "event_county": report.county,
        "event_sub_county": report.sub_county,
        "event_ward": report.ward,
        "event_village": report.place[:120],
        "notes": report.what_happened,
    }
    if not report.anonymous:
        fields.update(
            reporter_name=report.reporter_name,
            reporter_contact=report.reporter_contact,
            reporter_relationship=report.reporter_relationship,
        )
    fields.update(case_fields)
    with transaction.atomic(durable=True):
        locked = _lock_open(actor, report)
        if new_child is not None:
            child = child_register(actor=actor, org_unit=office, child=new_child, request=request, via="intake").child
        case = case_open(
            actor=actor,
            child=child,
            office=office,
            reporter_type=reporter_type,
            categories=categories,
            perpetrators=perpetrators,
            request=request,
            via="intake",
            **fields,
        )
        _finish(actor=actor, report=locked, status=IntakeReport.Status.CASE_OPENED, case=case, request=request)
    report.refresh_from_db()
    return case


def report_link_case(
    *, actor: User, report: IntakeReport, case: Any, note: str = "", request: HttpRequest | None = None
) -> IntakeReport:
    """Triage ``report`` as another report about ``case`` (which the actor may work on). The case's
    timeline records it."""
    from cpims.cases.actions import case_event_add

    _precheck(actor, report)
    if not scope.can(actor, P.CASE_UPDATE, case):
        raise ValidationError({"case": [_("You cannot work on this case.")]})
    if case.status == "closed":
        raise ValidationError({"case": [_("This case is closed. Reopen it first, or open a new case.")]})
    note = (note or "").strip()
    with transaction.atomic(durable=True):
        locked = _lock_open(actor, report)
        _finish(actor=actor, report=locked, status=IntakeReport.Status.LINKED, case=case, note=note, request=request)
        case_event_add(
            case=case,
            kind="intake_linked",
            actor=actor,
            message="intake.linked",
            params={"reference": locked.reference},
            details={"report": str(locked.public_id), "channel": locked.channel},
            request=request,
        )
    report.refresh_from_db()
    return report


def report_dismiss(
    *, actor: User, report: IntakeReport, reason: str, note: str = "", request: HttpRequest | None = None
) -> IntakeReport:
    """Triage ``report`` as needing no case, with a reason (and a note, required for "other")."""
    _precheck(actor, report)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if reason not in IntakeReport.DismissReason.values:
        errors["reason"] = [_("Choose why the report is dismissed.")]
    elif reason == IntakeReport.DismissReason.OTHER and not note:
        errors["note"] = [_("Explain the reason.")]
    if len(note) > 2000:
        errors["note"] = [_("Use at most %(n)d characters.") % {"n": 2000}]
    raise_errors(errors)
    with transaction.atomic(durable=True):
        locked = _lock_open(actor, report)
        _finish(
            actor=actor,
            report=locked,
            status=IntakeReport.Status.DISMISSED,
            reason=reason,
            note=note,
            request=request,
        )
    report.refresh_from_db()
    return report

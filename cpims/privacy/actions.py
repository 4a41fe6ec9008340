"""Every write to the data protection registers. Keyword-only; each action is one durable
transaction that locks the record, checks the actor's permission through the scope rules (403
without ``privacy.requests`` / ``privacy.breaches``, 404 outside scope), validates, writes, and
records its audit event in the same transaction. Problems raise ``ValidationError`` (translatable,
keyed by field) or ``StaleEdit`` when the record changed since the officer read it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.core.edits import lock_for_edit
from cpims.core.validation import Errors, add_error, raise_errors
from cpims.privacy import export
from cpims.privacy.deadlines import request_due_on
from cpims.privacy.models import Breach, BreachNotice, SubjectRequest
from cpims.privacy.queries import Touched, children_touched
from cpims.registry.actions._shared import index_names
from cpims.registry.models import Person

STALE = _("Someone else changed this record since you opened it. Reload the page and try again.")
TEXT_MAX = 5000

# Details of the child's record a correction request may change (the rest goes through the
# registry's own pages). Name words are re-indexed for search.
CORRECTABLE = (
    "first_name",
    "middle_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "village",
    "landmark",
    "phone",
    "school_name",
)
REQUIRED = {"first_name", "last_name"}
NAME_FIELDS = {"first_name", "middle_name", "last_name", "other_names"}


def _require(actor: User, perm: str) -> None:
    if not scope.has_perm(actor, perm):
        raise PermissionDenied


def _locked(actor: User, obj: models.Model, perm: str, expected_version: int | None) -> Any:
    """``obj`` re-read and locked, if ``actor`` reaches it with ``perm``; refused if stale."""
    _require(actor, perm)
    scope.get_for(actor, type(obj)._default_manager.all(), view=perm, pk=obj.pk)
    return lock_for_edit(obj, field="version", expected=expected_version, message=STALE)


def _bump(obj: Any, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version = F("version") + 1
    obj.save(update_fields=[*fields, "version", "updated_at"])
    obj.refresh_from_db(fields=["version"])


def _reference(obj: Any, prefix: str, year: int) -> None:
    obj.reference = f"{prefix}-{year}-{obj.pk:05d}"
    obj.save(update_fields=["reference"])


def _text(errors: Errors, name: str, value: str, *, required: bool = False, limit: int = TEXT_MAX) -> None:
    if required and not (value or "").strip():
        add_error(errors, name, _("This field is required."))
    elif len(value or "") > limit:
        add_error(errors, name, _("Use at most %(n)d characters.") % {"n": limit})


def _choice(errors: Errors, name: str, value: str, choices: type[models.TextChoices]) -> None:
    if value not in choices.values:
        add_error(errors, name, _("Choose one of the options."))


# --- subject requests -----------------------------------------------------------------------------


def subject_request_register(
    *,
    actor: User,
    kind: str,
    child: Person,
    requester_name: str,
    requester_relationship: str,
    identity_checked: str,
    identity_note: str = "",
    received_on: dt.date | None,
    details: str = "",
    request: HttpRequest | None = None,
) -> SubjectRequest:
    """Enter a request in the register; its due date follows from the statutory time limit."""
    _require(actor, P.PRIVACY_REQUESTS)
    errors: Errors = {}
    _choice(errors, "kind", kind, SubjectRequest.Kind)
    _choice(errors, "requester_relationship", requester_relationship, SubjectRequest.Relationship)
    _choice(errors, "identity_checked", identity_checked, SubjectRequest.IdentityCheck)
    _text(errors, "requester_name", requester_name, required=True, limit=200)
    _text(errors, "identity_note", identity_note, limit=200)
    _text(errors, "details", details)
    if identity_checked == SubjectRequest.IdentityCheck.OTHER and not identity_note.strip():
        add_error(errors, "identity_note", _("Say how the requester's identity was checked."))
    if received_on is None:
        add_error(errors, "received_on", _("Enter the date the request was received."))
    elif received_on > timezone.localdate():
        add_error(errors, "received_on", _("The date received cannot be in the future."))
    if kind == SubjectRequest.Kind.CORRECTION and not details.strip():
        add_error(errors, "details", _("Say what the requester says is wrong and what it should be."))
    raise_errors(errors)
    assert received_on is not None
    with transaction.atomic(durable=True):
        child = scope.get_for(actor, Person.objects.filter(is_active=True), view=P.CHILD_VIEW, pk=child.pk)
        obj = SubjectRequest.objects.create(
            reference=uuid.uuid4().hex[:20],
            kind=kind,
            child=child,
            requester_name=requester_name.strip(),
            requester_relationship=requester_relationship,
            identity_checked=identity_checked,
            identity_note=identity_note.strip(),
            received_on=received_on,
            due_on=request_due_on(kind, received_on),
            details=details.strip(),
            created_by=actor,
        )
        _reference(obj, "DSR", received_on.year)
        audit_record(
            actor=actor,
            action="subject_request.register",
            obj=obj,
            object_label=obj.reference,
            request=request,
            details={"kind": kind, "child": str(child.public_id), "due_on": obj.due_on.isoformat()},
        )
    return obj


def _open_request(actor: User, subject_request: SubjectRequest, expected_version: int | None) -> SubjectRequest:
    current: SubjectRequest = _locked(actor, subject_request, P.PRIVACY_REQUESTS, expected_version)
    if not current.is_open:
        raise ValidationError(_("This request is already closed."), code="closed")
    return current


def subject_request_export(
    *, actor: User, subject_request: SubjectRequest, request: HttpRequest | None = None
) -> SubjectRequest:
    """Gather the child's data (to show the officer what the files hold and what was withheld)
    and start the PDF and JSON files, private to the officer. Audited on the request and on the
    child's record (it shows in "who saw this child")."""
    from cpims.reporting.downloads import download_start

    with transaction.atomic(durable=True):
        current = _open_request(actor, subject_request, None)
        if current.kind != SubjectRequest.Kind.ACCESS:
            raise ValidationError(_("Only an access request has an export."), code="kind")
        data = export.gather(actor, current)
        _bump(current, export_made_at=timezone.now(), export_summary=export.summary(data), redaction_reviewed_at=None)
        audit_record(
            actor=actor,
            action="subject_request.export",
            obj=current,
            object_label=current.reference,
            request=request,
            details={"redactions": data["redactions"]},
        )
        audit_record(
            actor=actor,
            action="person.subject_access_export",
            obj=current.child,
            object_label=current.child.cpims_number,
            request=request,
            details={"request": current.reference},
        )
        for kind in (export.PDF_KIND, export.JSON_KIND):
            download_start(actor=actor, kind=kind, params={"request": str(current.public_id)}, request=request)
    return current


def subject_request_review(
    *, actor: User, subject_request: SubjectRequest, expected_version: int | None, request: HttpRequest | None = None
) -> SubjectRequest:
    """Record that the officer checked what the export withholds before releasing it."""
    with transaction.atomic(durable=True):
        current = _open_request(actor, subject_request, expected_version)
        if current.export_made_at is None:
            raise ValidationError(_("Make the export before reviewing it."), code="no_export")
        _bump(current, redaction_reviewed_at=timezone.now())
        audit_record(
            actor=actor, action="subject_request.review", obj=current, object_label=current.reference, request=request
        )
    return current


def _correction_value(field: str, raw: str) -> tuple[Any, str | None]:
    """The value to store, or an error message."""
    raw = (raw or "").strip()
    if field not in CORRECTABLE:
        return None, _("Choose a detail from the list.")
    if field == "date_of_birth":
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            return None, _("Enter the date as YYYY-MM-DD.")
        if value > timezone.localdate():
            return None, _("The date of birth cannot be in the future.")
        return value, None
    if field in REQUIRED and not raw:
        return None, _("This detail cannot be empty.")
    limit = getattr(Person._meta.get_field(field), "max_length", None) or 200
    if len(raw) > limit:
        return None, _("Use at most %(n)d characters.") % {"n": limit}
    return raw, None


def subject_request_correct(
    *,
    actor: User,
    subject_request: SubjectRequest,
    field: str,
    value: str,
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> SubjectRequest:
    """Correct one detail of the child's record on the authority of a correction request: the
    change is audited as ``person.update`` (via the request) and kept in the record's history."""
    new, problem = _correction_value(field, value)
    if problem:
        raise ValidationError({"value": [problem]})
    with transaction.atomic(durable=True):
        current = _open_request(actor, subject_request, expected_version)
        if current.kind != SubjectRequest.Kind.CORRECTION:
            raise ValidationError(_("Only a correction request changes the record."), code="kind")
        person = Person.objects.select_for_update().get(pk=current.child_id)
        if not person.is_active:
            raise ValidationError(_("This record was merged into another one and can no longer be changed."))
        if getattr(person, field) == new:
            raise ValidationError({"value": [_("The record already says this.")]})
        setattr(person, field, new)
        if field == "date_of_birth":
            person.date_of_birth_estimated = False
        person.save()
        if field in NAME_FIELDS:
            index_names([person])
        corrections = [*current.corrections, {"field": field, "at": timezone.now().isoformat(), "by": actor.username}]
        _bump(current, corrections=corrections)
        audit_record(
            actor=actor,
            action="person.update",
            obj=person,
            object_label=person.cpims_number,
            request=request,
            details={"fields": [field], "via": "subject_request", "request": current.reference},
        )
        audit_record(
            actor=actor,
            action="subject_request.correct",
            obj=current,
            object_label=current.reference,
            request=request,
            details={"field": field},
        )
    return current


def subject_request_refuse(
    *,
    actor: User,
    subject_request: SubjectRequest,
    reason: str,
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> SubjectRequest:
    """Refuse the request, with the reason the requester is given."""
    errors: Errors = {}
    _text(errors, "reason", reason, required=True)
    raise_errors(errors)
    with transaction.atomic(durable=True):
        current = _open_request(actor, subject_request, expected_version)
        _bump(
            current,
            status=SubjectRequest.Status.REFUSED,
            refusal_reason=reason.strip(),
            closed_on=timezone.localdate(),
            closed_by=actor,
        )
        audit_record(
            actor=actor, action="subject_request.refuse", obj=current, object_label=current.reference, request=request
        )
    return current


def subject_request_complete(
    *,
    actor: User,
    subject_request: SubjectRequest,
    outcome_note: str = "",
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> SubjectRequest:
    """Close the request as done: an access request once its export is made and its redaction
    reviewed; a correction request once a correction is made (or the note says why none was)."""
    errors: Errors = {}
    _text(errors, "outcome_note", outcome_note)
    raise_errors(errors)
    with transaction.atomic(durable=True):
        current = _open_request(actor, subject_request, expected_version)
        if current.kind == SubjectRequest.Kind.ACCESS and current.redaction_reviewed_at is None:
            raise ValidationError(_("Make the export and review what it withholds before closing."), code="review")
        if current.kind == SubjectRequest.Kind.CORRECTION and not current.corrections and not outcome_note.strip():
            raise ValidationError(
                {"outcome_note": [_("No correction was made: say why in the outcome, or refuse the request.")]}
            )
        today = timezone.localdate()
        _bump(
            current,
            status=SubjectRequest.Status.COMPLETED,
            outcome_note=outcome_note.strip(),
            closed_on=today,
            closed_by=actor,
        )
        audit_record(
            actor=actor,
            action="subject_request.complete",
            obj=current,
            object_label=current.reference,
            request=request,
            details={"late": today > current.due_on},
        )
    return current


# --- breaches -------------------------------------------------------------------------------------


def _validate_window(
    errors: Errors, start: dt.datetime | None, end: dt.datetime | None, names: tuple[str, str]
) -> None:
    if start is not None and end is not None and end < start:
        add_error(errors, names[1], _("The end must come after the start."))


def breach_record(
    *,
    actor: User,
    title: str,
    discovered_at: dt.datetime | None,
    description: str = "",
    occurred_from: dt.datetime | None = None,
    occurred_to: dt.datetime | None = None,
    records_affected: str = "",
    people_estimate: int | None = None,
    request: HttpRequest | None = None,
) -> Breach:
    """Record a suspected breach; the 72-hour clock runs from ``discovered_at``."""
    _require(actor, P.PRIVACY_BREACHES)
    errors: Errors = {}
    _text(errors, "title", title, required=True, limit=200)
    _text(errors, "description", description)
    _text(errors, "records_affected", records_affected)
    now = timezone.now()
    if discovered_at is None:
        add_error(errors, "discovered_at", _("Enter when the breach was discovered."))
    elif discovered_at > now + dt.timedelta(minutes=5):
        add_error(errors, "discovered_at", _("The time of discovery cannot be in the future."))
    _validate_window(errors, occurred_from, occurred_to, ("occurred_from", "occurred_to"))
    if occurred_from is not None and discovered_at is not None and occurred_from > discovered_at:
        add_error(errors, "occurred_from", _("A breach cannot start after it was discovered."))
    if people_estimate is not None and people_estimate < 0:
        add_error(errors, "people_estimate", _("Enter a number of people, or leave it empty."))
    raise_errors(errors)
    assert discovered_at is not None
    with transaction.atomic(durable=True):
        breach = Breach.objects.create(
            reference=uuid.uuid4().hex[:20],
            title=title.strip(),
            description=description.strip(),
            discovered_at=discovered_at,
            occurred_from=occurred_from,
            occurred_to=occurred_to,
            records_affected=records_affected.strip(),
            people_estimate=people_estimate,
            created_by=actor,
        )
        _reference(breach, "BR", timezone.localtime(discovered_at).year)
        audit_record(actor=actor, action="breach.record", obj=breach, object_label=breach.reference, request=request)
    return breach


def _window(touched_by: User, start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    """The look-up window checked, as the audit event's details (a user name and two times)."""
    errors: Errors = {}
    _validate_window(errors, start, end, ("start", "end"))
    raise_errors(errors)
    return {"user": touched_by.username, "start": start.isoformat(), "end": end.isoformat()}


def breach_touched_lookup(
    *,
    actor: User,
    breach: Breach,
    touched_by: User,
    start: dt.datetime,
    end: dt.datetime,
    request: HttpRequest | None = None,
) -> Touched:
    """List the children ``touched_by`` touched between ``start`` and ``end``; the look-up reads
    the audit log, so it is audited itself."""
    window = _window(touched_by, start, end)
    with transaction.atomic(durable=True):
        current: Breach = scope.get_for(actor, Breach.objects.all(), view=P.PRIVACY_BREACHES, pk=breach.pk)
        touched = children_touched(actor, actor=touched_by, start=start, end=end)
        audit_record(
            actor=actor,
            action="breach.touched_lookup",
            obj=current,
            object_label=current.reference,
            request=request,
            details=window,
        )
    return touched


def breach_people_add(
    *,
    actor: User,
    breach: Breach,
    touched_by: User,
    start: dt.datetime,
    end: dt.datetime,
    request: HttpRequest | None = None,
) -> int:
    """Add to the breach the children ``touched_by`` touched between ``start`` and ``end`` (from
    the audit log). Returns how many were added."""
    window = _window(touched_by, start, end)
    with transaction.atomic(durable=True):
        current: Breach = _locked(actor, breach, P.PRIVACY_BREACHES, None)
        if current.status != Breach.Status.OPEN:
            raise ValidationError(_("This breach is closed."), code="closed")
        touched = children_touched(actor, actor=touched_by, start=start, end=end)
        before = current.people.count()
        current.people.add(*touched.people)
        added = current.people.count() - before
        _bump(current)
        audit_record(
            actor=actor,
            action="breach.people_add",
            obj=current,
            object_label=current.reference,
            request=request,
            details={**window, "added": added},
        )
    return added


def breach_notice_add(
    *,
    actor: User,
    breach: Breach,
    kind: str,
    sent_at: dt.datetime | None,
    method: str,
    reference: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> BreachNotice:
    """Record the notification to the Data Commissioner (which stops the clock) or a
    communication to the people affected."""
    errors: Errors = {}
    _choice(errors, "kind", kind, BreachNotice.Kind)
    _text(errors, "method", method, required=True, limit=120)
    _text(errors, "reference", reference, limit=120)
    _text(errors, "note", note)
    if sent_at is None:
        add_error(errors, "sent_at", _("Enter when it was sent."))
    elif sent_at > timezone.now() + dt.timedelta(minutes=5):
        add_error(errors, "sent_at", _("This time cannot be in the future."))
    raise_errors(errors)
    assert sent_at is not None
    with transaction.atomic(durable=True):
        current: Breach = _locked(actor, breach, P.PRIVACY_BREACHES, None)
        if current.status != Breach.Status.OPEN:
            raise ValidationError(_("This breach is closed."), code="closed")
        if sent_at < current.discovered_at:
            raise ValidationError({"sent_at": [_("This cannot be before the breach was discovered.")]})
        notice = BreachNotice.objects.create(
            breach=current,
            kind=kind,
            sent_at=sent_at,
            method=method.strip(),
            reference=reference.strip(),
            note=note.strip(),
            recorded_by=actor,
        )
        field = "commissioner_notified_at" if kind == BreachNotice.Kind.COMMISSIONER else "subjects_informed_at"
        first = getattr(current, field)
        _bump(current, **{field: min(first, sent_at) if first else sent_at})
        audit_record(
            actor=actor,
            action="breach.notice",
            obj=current,
            object_label=current.reference,
            request=request,
            details={"kind": kind, "late": kind == BreachNotice.Kind.COMMISSIONER and sent_at > current.notify_by},
        )
    return notice


def breach_close(
    *, actor: User, breach: Breach, closure_note: str, expected_version: int | None, request: HttpRequest | None = None
) -> Breach:
    """Close the breach with what was found and done (or why it was not a breach after all)."""
    errors: Errors = {}
    _text(errors, "closure_note", closure_note, required=True)
    raise_errors(errors)
    with transaction.atomic(durable=True):
        current: Breach = _locked(actor, breach, P.PRIVACY_BREACHES, expected_version)
        if current.status != Breach.Status.OPEN:
            raise ValidationError(_("This breach is already closed."), code="closed")
        _bump(current, status=Breach.Status.CLOSED, closed_at=timezone.now(), closure_note=closure_note.strip())
        audit_record(
            actor=actor,
            action="breach.close",
            obj=current,
            object_label=current.reference,
            request=request,
            details={"notified": current.commissioner_notified_at is not None},
        )
    return current

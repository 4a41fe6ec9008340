"""Every write of the retention app: rule changes, legal holds, runs and their review. Each action
checks ``retention.manage`` itself and writes its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases.models import Case
from cpims.core.edits import lock_for_edit
from cpims.registry.models import Person
from cpims.retention import engine
from cpims.retention.models import LegalHold, RetentionRule, RetentionRun

M = TypeVar("M", LegalHold, RetentionRun)

# What each kind of record may become: cases are only anonymised (the facts are built from them);
# the other kinds are deleted.
ALLOWED_ACTIONS = {
    RetentionRule.Kind.CLOSED_CASE: (RetentionRule.Action.ANONYMISE,),
    RetentionRule.Kind.DISMISSED_INTAKE: (RetentionRule.Action.DELETE,),
    RetentionRule.Kind.AUDIT_EVENT: (RetentionRule.Action.DELETE,),
    RetentionRule.Kind.DOWNLOAD: (RetentionRule.Action.DELETE,),
}
RULE_FIELDS = ("period", "unit", "enabled", "reason")  # what a rule change gives
MAX_PERIOD = 200  # years, months or days: bounded so the cut-off date stays a date


def rule_update(
    *,
    actor: User,
    rule: RetentionRule,
    period: int,
    unit: str,
    enabled: bool,
    reason: str,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> RetentionRule:
    scope.require_perm(actor, P.RETENTION_MANAGE)
    if unit not in RetentionRule.Unit.values:
        raise ValidationError({"unit": _("Choose days, months or years.")})
    if not 1 <= period <= MAX_PERIOD:
        raise ValidationError({"period": _("Give a period between 1 and %(max)s.") % {"max": MAX_PERIOD}})
    if rule.kind == RetentionRule.Kind.DOWNLOAD and unit != RetentionRule.Unit.DAYS:
        raise ValidationError({"unit": _("Downloads are kept for a number of days.")})
    with transaction.atomic(durable=True):
        current = lock_for_edit(
            rule,
            field="version",
            expected=expected_version,
            message=_("Someone else changed this rule since you opened it. Reload it and try again."),
        )
        before = {"period": current.period, "unit": current.unit, "enabled": current.enabled}
        current.period, current.unit, current.enabled, current.reason = period, unit, enabled, reason
        current.version += 1
        current.updated_by = actor
        current.save()
        audit_record(
            actor=actor,
            action="retention.rule_update",
            obj=current,
            object_label=current.kind,
            request=request,
            details={"before": before, "after": {"period": period, "unit": unit, "enabled": enabled}},
        )
    return current


def hold_place(
    *,
    actor: User,
    reason: str,
    case: Case | None = None,
    person: Person | None = None,
    until: dt.date | None = None,
    request: HttpRequest | None = None,
) -> LegalHold:
    scope.require_perm(actor, P.RETENTION_MANAGE)
    if (case is None) == (person is None):
        raise ValidationError(_("A hold is on one case or on one person."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the records must be kept.")})
    if until is not None and until < timezone.localdate():
        raise ValidationError({"until": _("The hold cannot end in the past.")})
    with transaction.atomic(durable=True):
        hold = LegalHold.objects.create(case=case, person=person, reason=reason, until=until, placed_by=actor)
        target = case or person
        audit_record(
            actor=actor,
            action="retention.hold_place",
            obj=hold,
            object_label=str(target),  # a case or CPIMS number, never a name
            request=request,
            details={"on": "case" if case else "person", "until": until.isoformat() if until else None},
        )
    return hold


def hold_place_by_number(
    *, actor: User, number: str, reason: str, until: dt.date | None = None, request: HttpRequest | None = None
) -> LegalHold:
    """Place a hold on the case with this case number, or the person with this CPIMS number."""
    from cpims.retention import queries

    target = queries.hold_target(actor, number)
    if target is None:
        raise ValidationError({"number": _("No case or child has this number.")})
    return hold_place(
        actor=actor,
        case=target if isinstance(target, Case) else None,
        person=target if isinstance(target, Person) else None,
        reason=reason,
        until=until,
        request=request,
    )


def _sign_off(
    *, actor: User, obj: M, stamp: str, action: str, refusal: Callable[[M], str | None], request: HttpRequest | None
) -> M:
    """Lock ``obj``'s row, refuse when ``refusal`` gives a reason, else set ``<stamp>_at`` and
    ``<stamp>_by`` to now and the actor, audited, in one transaction."""
    scope.require_perm(actor, P.RETENTION_MANAGE)
    with transaction.atomic(durable=True):
        current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        reason = refusal(current)
        if reason is not None:
            raise ValidationError(reason)
        setattr(current, f"{stamp}_at", timezone.now())
        setattr(current, f"{stamp}_by", actor)
        current.save(update_fields=[f"{stamp}_at", f"{stamp}_by", "updated_at"])
        audit_record(actor=actor, action=action, obj=current, request=request)
    return current


def hold_release(*, actor: User, hold: LegalHold, request: HttpRequest | None = None) -> LegalHold:
    return _sign_off(
        actor=actor,
        obj=hold,
        stamp="released",
        action="retention.hold_release",
        refusal=lambda h: _("This hold was already released.") if h.released_at is not None else None,
        request=request,
    )


def real_run_refusal() -> str | None:
    """Why a real run may not go ahead (None: it may). A real run needs the latest dry run to have
    been reviewed, after the last change to the schedule, unless the operator turned the review
    off (``CPIMS_RETENTION_REVIEW_REQUIRED``)."""
    if not getattr(settings, "CPIMS_RETENTION_REVIEW_REQUIRED", True):
        return None
    dry = RetentionRun.objects.filter(dry_run=True, status=RetentionRun.Status.DONE).order_by("-created_at").first()
    if dry is None or dry.reviewed_at is None:
        return _("A dry run must be reviewed before the first real run.")
    changed = RetentionRule.objects.aggregate(at=Max("updated_at"))["at"]
    if changed is not None and changed > dry.created_at:
        return _("The schedule changed after the reviewed dry run: run and review a new dry run.")
    return None


def run(*, actor: User | None, dry_run: bool, request: HttpRequest | None = None) -> RetentionRun:
    """Run the schedule now (``actor`` None: the scheduled job). A real run is refused (and the
    refusal audited) while ``real_run_refusal`` gives a reason. Batches commit one by one, so a
    failure part-way keeps what was done and the next run carries on."""
    if actor is not None:
        scope.require_perm(actor, P.RETENTION_MANAGE)
    if not dry_run:
        refusal = real_run_refusal()
        if refusal is not None:
            with transaction.atomic(durable=True):
                audit_record(
                    actor=actor,
                    action="retention.run_refused",
                    outcome="failure",
                    request=request,
                    actor_username="" if actor else "retention job",
                )
            raise ValidationError(refusal, code="review_required")
    with transaction.atomic(durable=True):
        current = RetentionRun.objects.create(dry_run=dry_run, started_by=actor)
        audit_record(
            actor=actor,
            action="retention.dry_run" if dry_run else "retention.run",
            obj=current,
            request=request,
            actor_username="" if actor else "retention job",
        )
    try:
        report = engine.execute(current)
    except Exception:
        RetentionRun.objects.filter(pk=current.pk).update(status=RetentionRun.Status.FAILED, finished_at=timezone.now())
        raise
    RetentionRun.objects.filter(pk=current.pk).update(
        status=RetentionRun.Status.DONE, finished_at=timezone.now(), report=report
    )
    current.refresh_from_db()
    return current


def _review_refusal(run: RetentionRun) -> str | None:
    if not run.dry_run or run.status != RetentionRun.Status.DONE:
        return _("Only a finished dry run can be reviewed.")
    if run.reviewed_at is not None:
        return _("This dry run was already reviewed.")
    return None


def run_review(*, actor: User, run: RetentionRun, request: HttpRequest | None = None) -> RetentionRun:
    """Mark a finished dry run as reviewed: its figures are what the real run may do."""
    return _sign_off(
        actor=actor, obj=run, stamp="reviewed", action="retention.review", refusal=_review_refusal, request=request
    )

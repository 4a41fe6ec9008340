"""Follow-ups of a case: planned, then done."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cpims.accounts import permissions as P
from cpims.accounts.models import User
from cpims.cases import workflow
from cpims.cases.actions._helpers import _lock, _record, _require
from cpims.cases.messages import date_param
from cpims.cases.models import Case, FollowUp
from cpims.core.validation import Errors, raise_errors

# Why a follow-up ended, stored untranslated and shown in the reader's language.
CASE_CLOSED = gettext_noop("Case closed")


def followup_add(
    *,
    actor: User,
    case: Case,
    due_on: dt.date,
    purpose: str,
    assigned_to: User | None = None,
    request: HttpRequest | None = None,
) -> FollowUp:
    errors: Errors = {}
    if due_on is None:
        errors["due_on"] = [_("Enter the due date.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("Say what the follow-up is for.")]
    raise_errors(errors)
    with transaction.atomic(durable=True):
        case = _lock(case, None)
        _require(actor, P.CASE_UPDATE, case)
        if case.status == Case.Status.CLOSED:
            raise workflow.TransitionRefused(_("A closed case cannot get new follow-ups."), code="state")
        item = FollowUp.objects.create(
            case=case, due_on=due_on, purpose=purpose.strip()[:255], assigned_to=assigned_to or actor, created_by=actor
        )
        _record(
            case=case,
            actor=actor,
            kind="followup_add",
            message="followup.planned",
            params={"date": date_param(due_on)},
            details={"followup": str(item.public_id), "due_on": due_on.isoformat()},
            request=request,
            bump=False,
        )
    return item


def followup_complete(
    *,
    actor: User,
    followup: FollowUp,
    outcome: str,
    done_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> FollowUp:
    today = timezone.localdate()
    errors: Errors = {}
    if not (outcome or "").strip():
        errors["outcome"] = [_("Write what the follow-up found.")]
    if done_on is not None and done_on > today:
        errors["done_on"] = [_("The date cannot be in the future.")]
    raise_errors(errors)
    with transaction.atomic(durable=True):
        case = _lock(followup.case, None)
        _require(actor, P.CASE_UPDATE, case)
        item = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if item.done_on is not None:
            raise workflow.TransitionRefused(_("This follow-up is already done."), code="state")
        if item.ended_on is not None:
            raise workflow.TransitionRefused(_("This follow-up has ended: the case was closed."), code="state")
        item.done_on = done_on or today
        item.outcome = outcome.strip()
        item.save()
        _record(
            case=case,
            actor=actor,
            kind="followup_done",
            message="followup.done",
            details={"followup": str(item.public_id)},
            request=request,
            bump=False,
        )
    return item


def end_pending_followups(*, case: Case, on: dt.date, reason: str) -> int:
    """End the case's follow-ups still pending (not done, not ended) with ``reason``; returns how
    many. Called inside the closing action's transaction, which writes the audit row."""
    return FollowUp.objects.filter(case=case, done_on__isnull=True, ended_on__isnull=True).update(
        ended_on=on, end_reason=reason[:255], updated_at=timezone.now()
    )

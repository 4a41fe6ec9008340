"""Reviews of a placement, and follow-up visits after a discharge."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.care.actions._helpers import MAX_TEXT, _lock_placement
from cpims.care.models import FollowUp, Placement, Review
from cpims.core.validation import Errors, add_error, clean_text, raise_errors


def review_add(
    *,
    actor: User,
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
    with transaction.atomic(durable=True):
        current = _lock_placement(actor, placement)
        errors: Errors = {}
        if kind not in Review.Kind.values:
            add_error(errors, "kind", _("Choose the type of review."))
        if current.ended_on is not None:
            add_error(errors, "kind", _("This placement has ended: record a post-discharge follow-up instead."))
        if due_on is None and held_on is None:
            add_error(errors, "held_on", _("Enter the date the review was held, or the date it is due."))
        if held_on is not None:
            if held_on > timezone.localdate():
                add_error(errors, "held_on", _("This date cannot be in the future."))
            elif held_on < current.admitted_on:
                add_error(errors, "held_on", _("A review cannot be held before the admission."))
        elif due_on is not None and due_on < current.admitted_on:
            add_error(errors, "due_on", _("A review cannot be due before the admission."))
        if next_due_on is not None and held_on is not None and next_due_on <= held_on:
            add_error(errors, "next_due_on", _("The next review must be due after this one."))
        notes = clean_text(errors, "notes", notes, MAX_TEXT)
        raise_errors(errors)
        if held_on is not None:
            review = (
                Review.objects.select_for_update()
                .filter(placement=current, kind=kind, held_on__isnull=True, ended_on__isnull=True)
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
    actor: User,
    placement: Placement,
    visited_on: dt.date | None = None,
    outcome: str = "",
    due_on: dt.date | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> FollowUp:
    """Record a post-discharge visit (completing the earliest planned one), or plan one (``due_on``
    without ``visited_on``). Only after the placement ended with a discharge or reintegration."""
    with transaction.atomic(durable=True):
        current = _lock_placement(actor, placement)
        errors: Errors = {}
        if current.status not in (Placement.Status.DISCHARGED, Placement.Status.REINTEGRATED):
            add_error(errors, "visited_on", _("Follow-ups are recorded after a discharge or reintegration."))
        if visited_on is None and due_on is None:
            add_error(errors, "visited_on", _("Enter the date of the visit, or the date one is due."))
        if visited_on is not None:
            if visited_on > timezone.localdate():
                add_error(errors, "visited_on", _("This date cannot be in the future."))
            elif current.ended_on and visited_on < current.ended_on:
                add_error(errors, "visited_on", _("A follow-up visit cannot be before the discharge."))
            if outcome not in FollowUp.Outcome.values:
                add_error(errors, "outcome", _("Choose what the visit found."))
        elif due_on is not None and current.ended_on and due_on < current.ended_on:
            add_error(errors, "due_on", _("A follow-up cannot be due before the discharge."))
        notes = clean_text(errors, "notes", notes, MAX_TEXT)
        raise_errors(errors)
        if visited_on is not None:
            followup = (
                FollowUp.objects.select_for_update()
                .filter(placement=current, visited_on__isnull=True, ended_on__isnull=True)
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

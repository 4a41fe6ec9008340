"""Every write to monthly returns. Keyword-only, typed, validated before anything is written; each
action is one transaction with one audit event (``return.<verb>``) and one history line.

Workflow::

    draft --submit--> submitted --approve--> approved --reopen (reason)--> returned
      ^                  |                                                   |
      |               send back (comment)                                    |
      |                  v                                                   |
      +---- save ---- returned --resubmit--> submitted ...  <---------------+

* Preparing (open, save, submit): ``return.submit`` held at the reporting unit itself.
* Reviewing (approve, send back, reopen): ``return.approve`` over the return (the county
  coordinator for the county, national M&E everywhere), never by the person who submitted it.
* Approved locks the figures. A correction reopens the return with a reason: the approved
  figures are kept in the history (a new revision) and the unit corrects and resubmits.
* Stale saves are refused: each action takes ``expected_version``.

``now`` is for tests and imports: the moment the action happens (default: now).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.core.edits import refuse_stale
from cpims.core.periods import MONTH, Period
from cpims.geo.models import OrgUnit
from cpims.returns import registry
from cpims.returns.models import MonthlyReturn, ReturnEvent
from cpims.returns.queries import holds_at

MAX_FIGURE = 1_000_000
MAX_COMMENT = 2000
# Paper rows: cases kept only in the paper register ("black book") and typed into the DCS Excel
# caseload tool (Tool A), tallied as "rows:<category code>:<sex>:<DCS band>" beside the kind's named
# paper figures (the same shape as the pre-filled "cat:" keys). Added by ``return_paper_rows_add``
# (the bulk import, cpims.imports); kept when the named figures are saved from the form.
PAPER_ROWS_PREFIX = "rows:"


def _stale_message(ret: MonthlyReturn) -> str:
    return _(
        "This return was changed by someone else meanwhile (it is now “%(status)s”, version "
        "%(version)s). Your changes were not saved: reload the page and try again."
    ) % {"status": ret.get_status_display(), "version": ret.version}


def _stale(ret: MonthlyReturn, expected_version: int | None) -> None:
    expected = None if expected_version is None else int(expected_version)
    refuse_stale(ret, field="version", expected=expected, message=_stale_message)


def _locked(ret: MonthlyReturn) -> ValidationError:
    if ret.status == MonthlyReturn.Status.APPROVED:
        return ValidationError(
            _("This return is approved and locked: its figures cannot change. Ask the county to reopen it."),
            code="locked",
        )
    return ValidationError(
        _("This return is with the county for review (%(status)s) and cannot be changed now.")
        % {"status": ret.get_status_display()},
        code="not_editable",
    )


def clean_paper(kind: registry.ReturnKind, values: Mapping[str, Any]) -> dict[str, int]:
    """The paper figures of ``kind`` as non-negative integers (blank = 0); ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, int] = {}
    for key in [k for k in values if str(k).startswith(PAPER_ROWS_PREFIX)]:
        number = values[key]
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_FIGURE:
            errors.setdefault("__all__", []).append(_("Enter a whole number of 0 or more."))
        else:
            out[key] = number
    values = {k: v for k, v in values.items() if not str(k).startswith(PAPER_ROWS_PREFIX)}
    unknown = set(values) - set(kind.field_names())
    if unknown:
        errors["__all__"] = [_("Unknown figures: %(names)s.") % {"names": ", ".join(sorted(unknown))}]
    for name in kind.field_names():
        raw = values.get(name, 0)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            out[name] = 0
            continue
        if isinstance(raw, bool):
            errors[name] = [_("Enter a whole number of 0 or more.")]
            continue
        try:
            number = int(str(raw).strip())
        except (TypeError, ValueError):
            errors[name] = [_("Enter a whole number of 0 or more.")]
            continue
        if number < 0:
            errors[name] = [_("Enter a whole number of 0 or more.")]
        elif number > MAX_FIGURE:
            errors[name] = [_("That number is too large for one month; check it.")]
        else:
            out[name] = number
    if errors:
        raise ValidationError(errors)
    return out


def _figures(ret: MonthlyReturn) -> dict[str, dict[str, int]]:
    return {"prefilled": dict(ret.prefilled), "paper": dict(ret.paper)}


def _event(
    ret: MonthlyReturn, kind: str, actor: User, at: dt.datetime, comment: str = "", figures: bool = False
) -> None:
    ReturnEvent.objects.create(
        monthly_return=ret,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
        comment=comment,
        revision=ret.revision,
        figures=_figures(ret) if figures else None,
    )


def _audit(actor: User, action: str, ret: MonthlyReturn, request: HttpRequest | None, **details: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=ret,
        object_label=f"{ret.org_unit.code} {ret.period.code}",
        request=request,
        details={"kind": ret.kind, "month": ret.period.code, "status": ret.status, "version": ret.version, **details},
    )


def _refresh_prefill(ret: MonthlyReturn, kind: registry.ReturnKind, now: dt.datetime) -> None:
    ret.prefilled = {str(k): int(v) for k, v in kind.prefill(ret.org_unit, ret.period).items()}
    ret.prefilled_at = now


def _lock(ret: MonthlyReturn) -> MonthlyReturn:
    return MonthlyReturn.objects.select_for_update().select_related("org_unit").get(pk=ret.pk)


def _today(now: dt.datetime) -> dt.date:
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(registry.NAIROBI)).date()


# --- preparing -----------------------------------------------------------------------------------


def return_open(
    *,
    actor: User,
    org_unit: OrgUnit,
    period: Period,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReturn:
    """The unit's return for ``period``: the existing one, or a new draft pre-filled from the records."""
    now = now or timezone.now()
    if not holds_at(actor, P.RETURN_SUBMIT, org_unit):
        raise PermissionDenied
    kind = registry.kind_for_org_unit_kind(org_unit.kind)
    errors: dict[str, list[str]] = {}
    if kind is None or not org_unit.is_active:
        errors["org_unit"] = [_("This unit does not file monthly returns.")]
    if not isinstance(period, Period) or period.kind != MONTH:
        errors["period"] = [_("Choose a month.")]
    elif period.start > _today(now):
        errors["period"] = [_("A return cannot be started for a month that has not begun.")]
    if errors:
        raise ValidationError(errors)
    existing = MonthlyReturn.objects.filter(org_unit=org_unit, month=period.start).first()
    if existing is not None:
        return existing
    assert kind is not None
    try:
        with transaction.atomic():
            ret = MonthlyReturn.blank(kind, org_unit, period, created_by=actor)
            _refresh_prefill(ret, kind, now)
            ret.save()
            _event(ret, ReturnEvent.Kind.CREATED, actor, now)
            _audit(actor, "return.create", ret, request)
    except IntegrityError:  # opened by a colleague at the same moment
        return MonthlyReturn.objects.get(org_unit=org_unit, month=period.start)
    return ret


def return_save(
    *,
    actor: User,
    ret: MonthlyReturn,
    paper: Mapping[str, Any],
    expected_version: int | None,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReturn:
    """Save the paper figures of a draft (or returned) return and refresh its figures from the records."""
    now = now or timezone.now()
    if not holds_at(actor, P.RETURN_SUBMIT, ret.org_unit):
        raise PermissionDenied
    kind = registry.get_kind(ret.kind)
    values = clean_paper(kind, paper)
    with transaction.atomic():
        ret = _lock(ret)
        _stale(ret, expected_version)
        if not ret.is_editable:
            raise _locked(ret)
        rows = {k: v for k, v in ret.paper.items() if k.startswith(PAPER_ROWS_PREFIX)}
        ret.paper = {**rows, **values}
        _refresh_prefill(ret, kind, now)
        ret.version += 1
        ret.save()
        _event(ret, ReturnEvent.Kind.SAVED, actor, now)
        _audit(actor, "return.save", ret, request)
    return ret


def return_paper_rows_add(
    *,
    actor: User,
    org_unit: OrgUnit,
    period: Period,
    tallies: Mapping[str, int],
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReturn:
    """Add tallies of paper rows (``PAPER_ROWS_PREFIX`` keys, e.g. from the DCS Excel caseload tool)
    to the unit's return for ``period``, opening a draft when there is none. Same permission as
    saving (``return.submit`` at the unit); refused once the return is submitted or approved."""
    now = now or timezone.now()
    if any(not str(key).startswith(PAPER_ROWS_PREFIX) for key in tallies):
        raise ValidationError({"__all__": [_("Unknown figures: %(names)s.") % {"names": ", ".join(sorted(tallies))}]})
    ret = return_open(actor=actor, org_unit=org_unit, period=period, request=request, now=now)
    kind = registry.get_kind(ret.kind)
    with transaction.atomic():
        ret = _lock(ret)
        if not ret.is_editable:
            raise _locked(ret)
        paper = dict(ret.paper)
        for key, number in tallies.items():
            paper[key] = int(paper.get(key, 0)) + number
        ret.paper = clean_paper(kind, paper)
        ret.version += 1
        ret.save()
        _event(ret, ReturnEvent.Kind.SAVED, actor, now)
        _audit(actor, "return.paper_rows", ret, request, rows=sum(tallies.values()))
    return ret


def return_submit(
    *,
    actor: User,
    ret: MonthlyReturn,
    expected_version: int | None,
    paper: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReturn:
    """Send the return to the county (a resubmission after it was returned). The figures from the
    records are computed one last time and frozen. Timeliness is fixed by the first submission."""
    now = now or timezone.now()
    if not holds_at(actor, P.RETURN_SUBMIT, ret.org_unit):
        raise PermissionDenied
    kind = registry.get_kind(ret.kind)
    values = clean_paper(kind, paper) if paper is not None else None
    if _today(now) < ret.period.end:
        raise ValidationError(
            {
                "period": [
                    _("A return can be submitted from the last day of its month (%(day)s).")
                    % {"day": ret.period.end.isoformat()}
                ]
            },
            code="too_early",
        )
    with transaction.atomic():
        ret = _lock(ret)
        _stale(ret, expected_version)
        if not ret.is_editable:
            raise _locked(ret)
        resubmission = ret.first_submitted_at is not None
        if values is not None:
            ret.paper = values
        _refresh_prefill(ret, kind, now)
        if not resubmission:
            ret.first_submitted_at = now
            ret.on_time = kind.is_on_time(ret.period, now)
        ret.submitted_at = now
        ret.submitted_by = actor
        ret.status = MonthlyReturn.Status.SUBMITTED
        ret.version += 1
        ret.save()
        _event(
            ret, ReturnEvent.Kind.RESUBMITTED if resubmission else ReturnEvent.Kind.SUBMITTED, actor, now, figures=True
        )
        _audit(actor, "return.resubmit" if resubmission else "return.submit", ret, request, on_time=ret.on_time)
    return ret


# --- reviewing -----------------------------------------------------------------------------------


def _may_review(actor: User, ret: MonthlyReturn) -> None:
    if not scope.can(actor, P.RETURN_APPROVE, ret):
        raise PermissionDenied
    if ret.submitted_by_id is not None and ret.submitted_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You submitted this return: someone else must review it."))


def _comment(text: str | None, field: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        message = (
            _("Say what must change before the return can be approved.")
            if field == "comment"
            else _("Give the reason for the correction.")
        )
        raise ValidationError({field: [message]})
    if len(text) > MAX_COMMENT:
        raise ValidationError({field: [_("Keep it under %(n)s characters.") % {"n": MAX_COMMENT}]})
    return text


def return_approve(
    *,
    actor: User,
    ret: MonthlyReturn,
    expected_version: int | None,
    comment: str = "",
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReturn:
    """Approve a submitted return: its figures are locked."""
    now = now or timezone.now()
    _may_review(actor, ret)
    text = _comment(comment, "comment", required=False)
    with transaction.atomic():
        ret = _lock(ret)
        _stale(ret, expected_version)
        _may_review(actor, ret)
        if ret.status != MonthlyReturn.Status.SUBMITTED:
            raise ValidationError(_("Only a submitted return can be approved."), code="not_submitted")
        ret.status = MonthlyReturn.Status.APPROVED
        ret.approved_at = now
        ret.approved_by = actor
        ret.version += 1
        ret.save()
        _event(ret, ReturnEvent.Kind.APPROVED, actor, now, comment=text, figures=True)
        _audit(actor, "return.approve", ret, request)
    return ret


def return_send_back(
    *,
    actor: User,
    ret: MonthlyReturn,
    comment: str,
    expected_version: int | None,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReturn:
    """Return a submitted return to the unit with a comment saying what must change."""
    now = now or timezone.now()
    _may_review(actor, ret)
    text = _comment(comment, "comment", required=True)
    with transaction.atomic():
        ret = _lock(ret)
        _stale(ret, expected_version)
        _may_review(actor, ret)
        if ret.status != MonthlyReturn.Status.SUBMITTED:
            raise ValidationError(_("Only a submitted return can be returned."), code="not_submitted")
        ret.status = MonthlyReturn.Status.RETURNED
        ret.version += 1
        ret.save()
        _event(ret, ReturnEvent.Kind.RETURNED, actor, now, comment=text)
        _audit(actor, "return.send_back", ret, request)
    return ret


def return_reopen(
    *,
    actor: User,
    ret: MonthlyReturn,
    reason: str,
    expected_version: int | None,
    request: HttpRequest | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReturn:
    """The audited correction path: reopen an approved return with a reason. The approved figures
    stay in the history; the return goes back to the unit as a new revision to correct and resubmit.
    Needs ``return.approve`` over the return (county or national); the submitter may ask, not reopen."""
    now = now or timezone.now()
    if not scope.can(actor, P.RETURN_APPROVE, ret):
        raise PermissionDenied
    text = _comment(reason, "reason", required=True)
    with transaction.atomic():
        ret = _lock(ret)
        _stale(ret, expected_version)
        if ret.status != MonthlyReturn.Status.APPROVED:
            raise ValidationError(_("Only an approved return can be reopened for correction."), code="not_approved")
        # The approved version's figures, kept with the reason (history of revisions).
        _event(ret, ReturnEvent.Kind.REOPENED, actor, now, comment=text, figures=True)
        ret.status = MonthlyReturn.Status.RETURNED
        ret.revision += 1
        ret.approved_at = None
        ret.approved_by = None
        ret.version += 1
        ret.save()
        _audit(actor, "return.reopen", ret, request, revision=ret.revision, previous_revision=ret.revision - 1)
    return ret

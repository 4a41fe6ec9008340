"""Every write to referrals and transfers. Keyword-only, typed, validated before anything is
written; each action is one transaction with its audit event and a CaseEvent (timeline row), both
written through the cases contract (``case_event_add`` writes the audit event ``case.<kind>``).

Access (design):

* A referral gives the receiving unit access to the case when it is **accepted**
  (``referral_access_grant``, reason ``"referral"``: given and audited in the name of the
  receiving user, on the authority of the pending referral); the access ends when the referral is
  **completed** (unless another accepted referral to the same unit still uses it). Before it
  answers, the receiving unit sees the referral itself (the child's name, the reason), not the case.
* The sending side may **withdraw** a referral or a transfer while it awaits an answer (with a
  reason; ``queries.may_withdraw_referral`` / ``may_withdraw_transfer`` say who); the receiving
  side never withdraws, it declines.
* A transfer request gives the receiving office access to the case so it can review it before
  answering (reason ``"transfer"``); the access ends with the answer. On acceptance the case's
  ownership moves (``case_office_change``): number, history, services and referrals stay with the
  case. **The old office keeps no access**: a CaseAccess cannot be read-only (it carries whatever
  the unit's grants carry), and the Data Protection Act asks for the least sharing; the services
  the old office recorded stay visible to it through the service records' own scope.

Problems raise ``ValidationError`` (translatable, keyed by field where one is at fault; code
``"stale"`` when the referral or transfer was answered meanwhile) or ``PermissionDenied``; in every
case nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases import actions as case_actions
from cpims.cases.actions.access import WHY_REFERRAL_COMPLETED
from cpims.cases.messages import text_param
from cpims.cases.models import Case, CaseAccess, ServiceRecord
from cpims.core.models import Code
from cpims.core.validation import in_list, raise_errors
from cpims.geo.models import OrgUnit
from cpims.geo.queries import own_unit_ids
from cpims.referrals.models import Referral, Transfer
from cpims.referrals.queries import (
    current_sharing_consent,
    holds_at,
    may_withdraw_referral,
    may_withdraw_transfer,
    referring_units,
)
from cpims.registry.models import Consent

ANSWER_DAYS: dict[str, int] = {
    Referral.Urgency.ROUTINE: 7,
    Referral.Urgency.URGENT: 2,
    Referral.Urgency.EMERGENCY: 1,
}
TRANSFER_ANSWER_DAYS = 14
TRANSFER_OFFICE_KINDS = frozenset({OrgUnit.Kind.SUB_COUNTY_OFFICE, OrgUnit.Kind.COUNTY_OFFICE})
NON_STATE_KINDS = frozenset({OrgUnit.Kind.NGO, OrgUnit.Kind.CBO, OrgUnit.Kind.FBO, OrgUnit.Kind.CCI})
STATE_AGENCY, NON_STATE = "RDSA", "RDNA"
ACCESS_REFERRAL, ACCESS_TRANSFER = "referral", "transfer"


def _text(value: str | None) -> str:
    return (value or "").strip()


def destination_type_for(unit: OrgUnit, destination_class: Code | None) -> Code | None:
    """State agency or non-state actor (DCS referral_destination_id), from the destination chosen
    (its sub-list says which) or else from the unit's type."""
    code = None
    sub_list = getattr(getattr(destination_class, "sub_list", None), "name", "")
    if sub_list.endswith("_nsa"):
        code = NON_STATE
    elif sub_list.endswith("_sa"):
        code = STATE_AGENCY
    if code is None:
        code = NON_STATE if unit.kind in NON_STATE_KINDS else STATE_AGENCY
    return Code.objects.filter(code_list__name="referral_destination_id", code=code).first()


def _stale(message: str) -> ValidationError:
    return ValidationError(message, code="stale")


# --- referrals ------------------------------------------------------------------------------------


def _check_referral(
    *,
    actor: User,
    case: Case,
    to_unit: OrgUnit,
    reason: str,
    urgency: str,
    service_requested: Code | None,
    destination_class: Code | None,
    from_office: OrgUnit | None,
) -> OrgUnit | None:
    """The unit the actor refers for (by default the first they may refer for); every problem with
    the referral raised at once."""
    errors: dict[str, list[str]] = {}
    units = referring_units(actor, case)
    if from_office is None:
        from_office = units[0] if units else None
    if from_office is None or from_office not in units:
        errors["from_office"] = [_("Choose a unit you refer for.")]
    if not case.is_open:
        errors.setdefault("case", []).append(_("A closed case cannot be referred."))
    if to_unit is None or not isinstance(to_unit, OrgUnit) or not to_unit.is_active:
        errors["to_unit"] = [_("Choose an active organisation unit to refer to.")]
    elif from_office is not None and to_unit.pk == from_office.pk:
        errors["to_unit"] = [_("A unit cannot refer a case to itself.")]
    elif to_unit.pk in own_unit_ids(actor):
        errors["to_unit"] = [_("This is your own office: refer the case to another unit.")]
    if not _text(reason):
        errors["reason"] = [_("Say why the child is referred.")]
    if urgency not in Referral.Urgency.values:
        errors["urgency"] = [_("Choose the urgency.")]
    if service_requested is not None and not in_list(service_requested, "referral_type_id"):
        errors["service_requested"] = [_("Choose the service requested from the DCS list.")]
    if destination_class is not None and not in_list(destination_class, "referral_destination_classification"):
        errors["destination_class"] = [_("Choose the destination from the DCS list.")]
    raise_errors(errors)
    return from_office


def _sharing_consent(
    *, actor: User, case: Case, to_unit: OrgUnit, consent_override: bool, override_reason: str
) -> tuple[Consent | None, bool]:
    """The child's current consent to share data with ``to_unit``, and whether the actor
    overrides its absence (allowed with ``consent.override`` over the case and a reason)."""
    consent = current_sharing_consent(case.child, to_unit)
    overridden = consent is None
    if overridden:
        if not consent_override:
            raise ValidationError(
                {
                    "consent": [
                        _(
                            "The child has no recorded consent to share data with %(unit)s. Record the "
                            "consent on the child's page first, or send without it if you may override."
                        )
                        % {"unit": to_unit.name}
                    ]
                },
                code="no_consent",
            )
        if not scope.can(actor, P.CONSENT_OVERRIDE, case):
            raise PermissionDenied(_("You may not refer a child without recorded consent."))
        if not _text(override_reason):
            raise ValidationError({"override_reason": [_("Say why the child is referred without consent.")]})
    return consent, overridden


def _refuse_open_duplicate(case: Case, to_unit: OrgUnit) -> None:
    """One open (sent or accepted) referral of a case to a unit at a time (the case row is locked)."""
    if Referral.objects.filter(
        case=case, to_unit=to_unit, status__in=[Referral.Status.SENT, Referral.Status.ACCEPTED]
    ).exists():
        raise ValidationError(
            {"to_unit": [_("This case already has an open referral to %(unit)s.") % {"unit": to_unit.name}]},
            code="duplicate",
        )


def referral_send(
    *,
    actor: User,
    case: Case,
    to_unit: OrgUnit,
    reason: str,
    urgency: str = Referral.Urgency.ROUTINE,
    service_requested: Code | None = None,
    destination_class: Code | None = None,
    from_office: OrgUnit | None = None,
    consent_override: bool = False,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Refer ``case`` to ``to_unit``. The child's current consent to share data with that unit is
    required; without it the actor needs ``consent.override`` over the case and a reason, and the
    override is audited (``consent.override``)."""
    if not scope.can(actor, P.CASE_REFER, case):
        raise PermissionDenied
    today = timezone.localdate()
    from_office = _check_referral(
        actor=actor,
        case=case,
        to_unit=to_unit,
        reason=reason,
        urgency=urgency,
        service_requested=service_requested,
        destination_class=destination_class,
        from_office=from_office,
    )
    consent, overridden = _sharing_consent(
        actor=actor, case=case, to_unit=to_unit, consent_override=consent_override, override_reason=override_reason
    )
    destination_type = destination_type_for(to_unit, destination_class)
    scope.grants_for(actor)  # read the actor's grants before anything changes

    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        _refuse_open_duplicate(case, to_unit)
        referral = Referral.objects.create(
            case=case,
            from_office=from_office,
            from_user=actor,
            to_unit=to_unit,
            destination_type=destination_type,
            destination_class=destination_class,
            service_requested=service_requested,
            reason=_text(reason),
            urgency=urgency,
            consent=consent,
            consent_overridden=overridden,
            override_reason=_text(override_reason) if overridden else "",
            sent_on=today,
            answer_due_on=today + dt.timedelta(days=ANSWER_DAYS[urgency]),
        )
        details = {
            "referral": str(referral.public_id),
            "to_unit": str(to_unit.public_id),
            "urgency": urgency,
            "consent": "override" if overridden else str(consent.public_id),  # type: ignore[union-attr]
        }
        case_actions.case_event_add(
            case=case,
            kind="referral_sent",
            actor=actor,
            message="referral.sent",
            params={"unit": to_unit.name, "urgency": text_param(Referral.Urgency(referral.urgency).label)},
            details=details,
            request=request,
        )
        if overridden:
            audit_record(
                actor=actor,
                action="consent.override",
                obj=referral,
                object_label=case.case_number,
                request=request,
                details={**details, "case": str(case.public_id), "purpose": Consent.Purpose.DATA_SHARING},
            )
    return referral


def _lock_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().select_related("case", "to_unit", "from_user").get(pk=referral.pk)


def _require_receiver(actor: User, referral: Referral) -> None:
    if not holds_at(actor, P.REFERRAL_RECEIVE, referral.to_unit):
        raise PermissionDenied(_("Only the receiving unit answers a referral."))


def _require_status(referral: Referral, *statuses: str) -> None:
    if referral.status not in statuses:
        raise _stale(
            _("This referral is already %(status)s; nothing was changed. Reload the page.")
            % {"status": referral.get_status_display().lower()}
        )


def referral_access_grant(*, actor: User, referral: Referral, request: HttpRequest | None = None) -> CaseAccess:
    """Give the receiving unit of a pending ``referral`` access to its case, on the authority of
    the receiving user who accepts it (``actor``), audited in their name.

    The receiver cannot see the case before accepting, so the actor's own sight of the case cannot
    be the authority. The referral is: it must still be awaiting an answer and be addressed to a
    unit where ``actor`` holds ``referral.receive`` there (never through an area above it). The
    audit details name the referral and who referred. Idempotent like ``case_access_grant``.
    Called inside ``referral_accept``'s transaction."""
    with transaction.atomic():
        pending = (
            Referral.objects.select_for_update()
            .select_related("to_unit", "from_user", "case")
            .filter(pk=getattr(referral, "pk", None))
            .first()
        )
        if pending is None:
            raise PermissionDenied
        _require_receiver(actor, pending)
        if pending.status != Referral.Status.SENT:
            raise _stale(_("This referral is no longer awaiting an answer."))
        return case_actions.case_access_grant(
            actor=actor,
            case=pending.case,
            org_unit=pending.to_unit,
            reason=ACCESS_REFERRAL,
            **_access_basis(pending),
            authority={
                "referral": str(pending.public_id),
                # Who chose to share the case (the referrer) beside who took the access (the actor).
                "referred_by": str(pending.from_user.public_id),
            },
            request=request,
        )


def _access_basis(referral: Referral) -> dict[str, Any]:
    """What the access given on acceptance rests on: the child's current consent to share with
    the receiving unit or, for a referral sent without consent, the referrer's best-interest
    decision and its reason. A referral whose consent was withdrawn meanwhile cannot be accepted."""
    consent = current_sharing_consent(referral.case.child, referral.to_unit)
    if consent is not None:
        return {"basis": CaseAccess.Basis.CONSENT, "consent": consent}
    if referral.consent_overridden:
        return {"basis": CaseAccess.Basis.BEST_INTEREST, "basis_note": referral.override_reason or "-"}
    raise ValidationError(
        {"consent": [_("The consent this referral rested on was withdrawn: it cannot be accepted.")]},
        code="no_consent",
    )


def referral_accept(*, actor: User, referral: Referral, request: HttpRequest | None = None) -> Referral:
    """The receiving unit accepts: it gets access to the case (reason "referral")."""
    with transaction.atomic(durable=True):
        referral = _lock_referral(referral)
        _require_receiver(actor, referral)
        _require_status(referral, Referral.Status.SENT)
        access = referral_access_grant(actor=actor, referral=referral, request=request)
        referral.status = Referral.Status.ACCEPTED
        referral.answered_at = timezone.now()
        referral.answered_by = actor
        referral.access = access
        referral.save()
        case_actions.case_event_add(
            case=referral.case,
            kind="referral_accepted",
            actor=actor,
            message="referral.accepted",
            params={"unit": referral.to_unit.name},
            details={"referral": str(referral.public_id), "access": str(access.public_id)},
            request=request,
        )
    return referral


def referral_decline(*, actor: User, referral: Referral, reason: str, request: HttpRequest | None = None) -> Referral:
    if not _text(reason):
        raise ValidationError({"reason": [_("Say why the referral is declined.")]})
    with transaction.atomic(durable=True):
        referral = _lock_referral(referral)
        _require_receiver(actor, referral)
        _require_status(referral, Referral.Status.SENT)
        referral.status = Referral.Status.DECLINED
        referral.answered_at = timezone.now()
        referral.answered_by = actor
        referral.decline_reason = _text(reason)
        referral.save()
        case_actions.case_event_add(
            case=referral.case,
            kind="referral_declined",
            actor=actor,
            message="referral.declined",
            params={"unit": referral.to_unit.name},
            details={"referral": str(referral.public_id)},
            request=request,
        )
    return referral


def referral_service_record(
    *,
    actor: User,
    referral: Referral,
    service: Code,
    given_on: dt.date,
    notes: str = "",
    request: HttpRequest | None = None,
    via: str = "web",
) -> ServiceRecord:
    """The receiving unit records a service given under an accepted referral (cases
    ``service_record``: provider = the receiving unit; it writes the timeline row and audit)."""
    with transaction.atomic(durable=True):
        referral = _lock_referral(referral)
        _require_receiver(actor, referral)
        _require_status(referral, Referral.Status.ACCEPTED)
        record = case_actions.service_record(
            actor=actor,
            child=referral.case.child,
            case=referral.case,
            service=service,
            given_on=given_on,
            provider=referral.to_unit,
            notes=notes,
            request=request,
            via=via,
        )
        referral.services.add(record)
    return record


def referral_complete(
    *, actor: User, referral: Referral, notes: str = "", request: HttpRequest | None = None
) -> Referral:
    """The receiving unit marks an accepted referral complete; its access to the case ends after the
    grace period (``CPIMS_PARTNER_ACCESS_GRACE_DAYS``)."""
    with transaction.atomic(durable=True):
        referral = _lock_referral(referral)
        _require_receiver(actor, referral)
        _require_status(referral, Referral.Status.ACCEPTED)
        if not _text(notes) and not referral.services.exists():
            raise ValidationError({"notes": [_("Record the services given, or say what was done, before completing.")]})
        referral.status = Referral.Status.COMPLETED
        referral.completed_at = timezone.now()
        referral.completed_by = actor
        referral.completion_notes = _text(notes)
        referral.save()
        case_actions.case_event_add(
            case=referral.case,
            kind="referral_completed",
            actor=actor,
            message="referral.completed",
            params={"unit": referral.to_unit.name},
            details={"referral": str(referral.public_id), "services": referral.services.count()},
            request=request,
        )
        access = referral.access
        still_used = (
            Referral.objects.filter(access=access, status=Referral.Status.ACCEPTED).exclude(pk=referral.pk).exists()
        )
        if access is not None and access.is_active and not still_used:
            # The unit keeps access for the grace period, then loses it (Data Protection Act 2019).
            case_actions.case_access_expire_after(
                actor=actor, case=referral.case, why=WHY_REFERRAL_COMPLETED, only=access, request=request
            )
    return referral


def referral_withdraw(*, actor: User, referral: Referral, reason: str, request: HttpRequest | None = None) -> Referral:
    """The referring side takes back a referral still awaiting an answer (no access was given yet)."""
    if not _text(reason):
        raise ValidationError({"reason": [_("Say why the referral is withdrawn.")]})
    with transaction.atomic(durable=True):
        referral = _lock_referral(referral)
        if not may_withdraw_referral(actor, referral):
            raise PermissionDenied(_("Only the referring side withdraws a referral."))
        _require_status(referral, Referral.Status.SENT)
        referral.status = Referral.Status.WITHDRAWN
        referral.withdrawn_at = timezone.now()
        referral.withdrawn_by = actor
        referral.withdraw_reason = _text(reason)
        referral.save()
        case_actions.case_event_add(
            case=referral.case,
            kind="referral_withdrawn",
            actor=actor,
            message="referral.withdrawn",
            params={"unit": referral.to_unit.name},
            details={"referral": str(referral.public_id)},
            request=request,
        )
    return referral


# --- transfers ------------------------------------------------------------------------------------


def transfer_request(
    *, actor: User, case: Case, to_office: OrgUnit, reason: str, request: HttpRequest | None = None
) -> Transfer:
    """Ask ``to_office`` to take the case over. Needs case.transfer at the owning office. The
    receiving office may review the case until it answers."""
    if not (scope.can(actor, P.CASE_TRANSFER, case) and scope.can(actor, P.CASE_TRANSFER, case.office)):
        raise PermissionDenied
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not case.is_open:
        errors["case"] = [_("A closed case cannot be transferred.")]
    if not isinstance(to_office, OrgUnit) or to_office.kind not in TRANSFER_OFFICE_KINDS or not to_office.is_active:
        errors["to_office"] = [_("Choose an active county or sub-county children office.")]
    elif to_office.pk == case.office_id:
        errors["to_office"] = [_("The case is already at this office.")]
    elif to_office.pk in own_unit_ids(actor):
        errors["to_office"] = [_("This is your own office: transfer the case to another office.")]
    if not _text(reason):
        errors["reason"] = [_("Say why the case is transferred.")]
    raise_errors(errors)
    scope.grants_for(actor)
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().select_related("office", "child").get(pk=case.pk)
        if Transfer.objects.filter(case=case, status=Transfer.Status.PENDING).exists():
            raise ValidationError(
                {"to_office": [_("A transfer of this case is already awaiting an answer.")]}, code="duplicate"
            )
        transfer = Transfer.objects.create(
            case=case,
            from_office=case.office,
            to_office=to_office,
            reason=_text(reason),
            requested_by=actor,
            requested_on=today,
            answer_due_on=today + dt.timedelta(days=TRANSFER_ANSWER_DAYS),
        )
        transfer.access = case_actions.case_access_grant(
            actor=actor, case=case, org_unit=to_office, reason=ACCESS_TRANSFER, request=request
        )
        transfer.save(update_fields=["access"])
        case_actions.case_event_add(
            case=case,
            kind="transfer_requested",
            actor=actor,
            message="transfer.requested",
            params={"office": to_office.name},
            details={"transfer": str(transfer.public_id), "to_office": str(to_office.public_id)},
            request=request,
        )
    return transfer


def _lock_transfer(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update()
        .select_related("case__office", "to_office", "from_office")
        .get(pk=transfer.pk)
    )


def _require_transfer_receiver(actor: User, transfer: Transfer) -> None:
    if not holds_at(actor, P.CASE_TRANSFER, transfer.to_office):
        raise PermissionDenied(_("Only the receiving office answers a transfer."))


def _require_pending(transfer: Transfer) -> None:
    if transfer.status != Transfer.Status.PENDING:
        raise _stale(
            _("This transfer is already %(status)s; nothing was changed. Reload the page.")
            % {"status": transfer.get_status_display().lower()}
        )


def _end_review_access(actor: User, access: CaseAccess | None, request: HttpRequest | None) -> None:
    if access is not None and access.revoked_at is None:
        case_actions.case_access_revoke(actor=actor, access=access, request=request)


def transfer_accept(*, actor: User, transfer: Transfer, request: HttpRequest | None = None) -> Transfer:
    """The receiving office takes the case over: ownership moves, the history stays."""
    with transaction.atomic(durable=True):
        transfer = _lock_transfer(transfer)
        _require_transfer_receiver(actor, transfer)
        _require_pending(transfer)
        case = Case.objects.select_for_update().get(pk=transfer.case_id)
        if case.office_id != transfer.from_office_id:
            raise _stale(_("The case has moved to another office since the transfer was requested."))
        case_actions.case_office_change(actor=actor, case=case, office=transfer.to_office, request=request)
        transfer.status = Transfer.Status.ACCEPTED
        transfer.answered_at = timezone.now()
        transfer.answered_by = actor
        transfer.save()
        case_actions.case_event_add(
            case=case,
            kind="transfer_accepted",
            actor=actor,
            message="transfer.accepted",
            params={"office": transfer.to_office.name},
            details={"transfer": str(transfer.public_id), "from_office": str(transfer.from_office.public_id)},
            request=request,
        )
        _end_review_access(actor, transfer.access, request)
    return transfer


def transfer_withdraw(*, actor: User, transfer: Transfer, reason: str, request: HttpRequest | None = None) -> Transfer:
    """The sending office takes back a transfer still awaiting an answer; the receiving office's
    review access ends."""
    if not _text(reason):
        raise ValidationError({"reason": [_("Say why the transfer is withdrawn.")]})
    with transaction.atomic(durable=True):
        transfer = _lock_transfer(transfer)
        if not may_withdraw_transfer(actor, transfer):
            raise PermissionDenied(_("Only the sending office withdraws a transfer."))
        _require_pending(transfer)
        transfer.status = Transfer.Status.WITHDRAWN
        transfer.withdrawn_at = timezone.now()
        transfer.withdrawn_by = actor
        transfer.withdraw_reason = _text(reason)
        transfer.save()
        case_actions.case_event_add(
            case=transfer.case,
            kind="transfer_withdrawn",
            actor=actor,
            message="transfer.withdrawn",
            params={"office": transfer.to_office.name},
            details={"transfer": str(transfer.public_id)},
            request=request,
        )
        _end_review_access(actor, transfer.access, request)
    return transfer


def transfer_decline(*, actor: User, transfer: Transfer, reason: str, request: HttpRequest | None = None) -> Transfer:
    if not _text(reason):
        raise ValidationError({"reason": [_("Say why the transfer is declined.")]})
    with transaction.atomic(durable=True):
        transfer = _lock_transfer(transfer)
        _require_transfer_receiver(actor, transfer)
        _require_pending(transfer)
        transfer.status = Transfer.Status.DECLINED
        transfer.answered_at = timezone.now()
        transfer.answered_by = actor
        transfer.decline_reason = _text(reason)
        transfer.save()
        case_actions.case_event_add(
            case=transfer.case,
            kind="transfer_declined",
            actor=actor,
            message="transfer.declined",
            params={"office": transfer.to_office.name},
            details={"transfer": str(transfer.public_id)},
            request=request,
        )
        _end_review_access(actor, transfer.access, request)
    return transfer

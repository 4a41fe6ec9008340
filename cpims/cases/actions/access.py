"""Access to a case given to other units (referrals, transfers), and moving the case to another
office."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.actions._helpers import _lock, _record, _require
from cpims.cases.models import Case, CaseAccess
from cpims.geo.models import OrgUnit


def case_access_grant(
    *,
    actor: User,
    case: Case,
    org_unit: OrgUnit,
    reason: str,
    authority: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> CaseAccess:
    """Give ``org_unit`` scoped access to ``case`` for ``reason`` (referral, transfer), audited in the
    name of ``actor``. Idempotent per unit and reason: an active grant is returned as it is.

    The authority for it is one of two:

    * ``authority=None``: the actor's own sight of the case (case.view over it). The caller checks
      the permission for the business step (case.refer, case.transfer).
    * ``authority={...}``: a record of the calling app that the caller has checked and locked in its
      own transaction, which lets the actor take access to a case they cannot see yet (a pending
      referral addressed to their unit). Its entries (for example ``referral``, ``referred_by``)
      are added to the audit details, so the audit says on whose word the case was shared.
    """
    if not reason or len(reason) > 40:
        raise ValidationError({"reason": [_("Give the reason for the access.")]})
    if authority is not None and set(authority) & {"org_unit", "reason", "access"}:
        raise TypeError("authority may not overwrite the grant's own audit details")
    with transaction.atomic():
        case = _lock(case, None)
        if authority is None:
            _require(actor, P.CASE_VIEW, case)
        existing = CaseAccess.objects.filter(
            case=case, org_unit=org_unit, reason=reason, revoked_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        access = CaseAccess.objects.create(case=case, org_unit=org_unit, reason=reason, granted_by=actor)
        _record(
            case=case,
            actor=actor,
            kind="access_grant",
            message="access.given",
            params={"unit": org_unit.name, "reason": reason},
            details={
                "org_unit": str(org_unit.public_id),
                "reason": reason,
                "access": str(access.public_id),
                **(authority or {}),
            },
            request=request,
            bump=False,
        )
    return access


def case_access_revoke(*, actor: User, access: CaseAccess, request: HttpRequest | None = None) -> CaseAccess:
    """End an access grant. Revoking an already revoked grant changes nothing."""
    with transaction.atomic():
        access = CaseAccess.objects.select_for_update().select_related("case", "org_unit").get(pk=access.pk)
        if access.revoked_at is not None:
            return access
        _require(actor, P.CASE_VIEW, access.case)
        access.revoked_at = timezone.now()
        access.revoked_by = actor
        access.save(update_fields=["revoked_at", "revoked_by"])
        _record(
            case=access.case,
            actor=actor,
            kind="access_revoke",
            message="access.ended",
            params={"unit": access.org_unit.name, "reason": access.reason},
            details={
                "org_unit": str(access.org_unit.public_id),
                "reason": access.reason,
                "access": str(access.public_id),
            },
            request=request,
            bump=False,
        )
    return access


def case_office_change(*, actor: User, case: Case, office: OrgUnit, request: HttpRequest | None = None) -> Case:
    """Move the case to another owning office (an accepted transfer); the scope areas follow.
    The number and history stay. The caller checks case.transfer where the business step needs it;
    the actor must hold case.transfer either over the case or at the receiving office."""
    with transaction.atomic():
        case = _lock(case, None)
        receiving = office.pk in {g.org_unit_id for g in scope.grants_for(actor).with_perm(P.CASE_TRANSFER)}
        if not receiving and not scope.can(actor, P.CASE_TRANSFER, case):
            raise PermissionDenied
        if not office.is_active:
            raise ValidationError({"office": [_("This office is not active.")]})
        if office.pk == case.office_id:
            return case
        previous = case.office
        case.office = office
        case.county_id = office.county_id or case.event_county_id
        case.sub_county_id = office.sub_county_id or case.event_sub_county_id
        _record(
            case=case,
            actor=actor,
            kind="office_change",
            message="case.moved",
            params={"old": previous.name, "new": office.name},
            details={"from": str(previous.public_id), "to": str(office.public_id)},
            request=request,
        )
    return case

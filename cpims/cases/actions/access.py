"""Access to a case given to other units (referrals, transfers), and moving the case to another
office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.actions._helpers import _lock, _record, _require
from cpims.cases.messages import date_param, text_param
from cpims.cases.models import Case, CaseAccess
from cpims.core.validation import Errors, add_error, raise_errors
from cpims.geo.models import OrgUnit
from cpims.registry.models import Consent


def _check_basis(
    case: Case, org_unit: OrgUnit, basis: str, consent: Consent | None, basis_note: str, user: User | None
) -> None:
    """Access rests on a recorded basis: a current consent to share with that unit, or a legal
    basis with its reason in the officer's words. An emergency access is for one user only."""
    errors: Errors = {}
    if basis not in CaseAccess.Basis.values:
        add_error(errors, "basis", _("Choose the basis of the access."))
    elif basis == CaseAccess.Basis.CONSENT:
        if (
            consent is None
            or consent.withdrawn_on is not None
            or consent.person_id != case.child_id
            or consent.purpose != Consent.Purpose.DATA_SHARING
            or consent.shared_with_id != org_unit.pk
        ):
            add_error(errors, "consent", _("There is no current consent to share this child's data with this unit."))
    elif basis in (CaseAccess.Basis.COURT_ORDER, CaseAccess.Basis.BEST_INTEREST) and not basis_note.strip():
        add_error(errors, "basis_note", _("Give the reason (the court order, or why the child's interest needs it)."))
    if (basis == CaseAccess.Basis.EMERGENCY) != (user is not None):
        raise TypeError("an emergency access, and only it, is given to one user")
    raise_errors(errors)


def case_access_grant(
    *,
    actor: User,
    case: Case,
    org_unit: OrgUnit,
    reason: str,
    basis: str = CaseAccess.Basis.ASSIGNMENT,
    consent: Consent | None = None,
    basis_note: str = "",
    user: User | None = None,
    expires_at: dt.datetime | None = None,
    authority: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> CaseAccess:
    """Give ``org_unit`` scoped access to ``case`` for ``reason`` (referral, transfer), audited in the
    name of ``actor``. Idempotent per unit and reason: a grant in force is returned as it is.

    The access rests on ``basis``: ``consent`` (the child's current consent to share with that
    unit, which must be given: withdrawing it ends the access), ``court_order`` or
    ``best_interest`` (with ``basis_note``, the officer's reason), ``assignment`` (the case's own
    handling: a transfer under review), or ``emergency`` (to ``user`` alone, until ``expires_at``:
    only through ``emergency_access_open``).

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
    if authority is not None and set(authority) & {"org_unit", "reason", "access", "basis"}:
        raise TypeError("authority may not overwrite the grant's own audit details")
    _check_basis(case, org_unit, basis, consent, basis_note, user)
    if user is not None and (user != actor or not scope.has_perm(actor, P.CASE_EMERGENCY_ACCESS)):
        raise PermissionDenied  # an emergency access is taken by the officer, for themselves
    with transaction.atomic():
        case = _lock(case, None)
        if authority is None and basis != CaseAccess.Basis.EMERGENCY:
            _require(actor, P.CASE_VIEW, case)
        # A grant already set to expire (its referral completed) is not reused for a new one.
        existing = (
            CaseAccess.objects.active()
            .filter(case=case, org_unit=org_unit, reason=reason, user__isnull=True, expires_at__isnull=True)
            .first()
            if user is None
            else None
        )
        if existing is not None:
            return existing
        access = CaseAccess.objects.create(
            case=case,
            org_unit=org_unit,
            reason=reason,
            basis=basis,
            consent=consent if basis == CaseAccess.Basis.CONSENT else None,
            basis_note=basis_note.strip()[:300],
            user=user,
            expires_at=expires_at,
            granted_by=actor,
        )
        details = {
            "org_unit": str(org_unit.public_id),
            "reason": reason,
            "access": str(access.public_id),
            "basis": basis,
            **(authority or {}),
        }
        if access.consent_id:
            details["consent"] = str(consent.public_id)  # type: ignore[union-attr]
        if expires_at is not None:
            details["expires_at"] = expires_at.isoformat(timespec="seconds")
        _record(
            case=case,
            actor=actor,
            kind="emergency_access" if user is not None else "access_grant",
            message="access.emergency" if user is not None else "access.given",
            params=(
                {"user": actor.get_username(), "unit": org_unit.name, "until": _when(expires_at)}
                if user is not None
                else {"unit": org_unit.name, "reason": reason}
            ),
            details=details,
            request=request,
            bump=False,
        )
    return access


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


# Why a grant ended -> its timeline message and audit kind.
_ENDINGS = {
    CaseAccess.Ended.REVOKED: ("access.ended", "access_revoke"),
    CaseAccess.Ended.CONSENT_WITHDRAWN: ("access.consent_ended", "access_revoke"),
    CaseAccess.Ended.EXPIRED: ("access.expired", "access_expired"),
}


def _end(actor: User | None, access: CaseAccess, why: str, request: HttpRequest | None) -> None:
    """End a locked grant in force and write its timeline row and audit event."""
    message, kind = _ENDINGS[CaseAccess.Ended(why)]
    access.revoked_at = timezone.now()
    access.revoked_by = actor
    access.ended_reason = why
    access.save(update_fields=["revoked_at", "revoked_by", "ended_reason"])
    _record(
        case=access.case,
        actor=actor,  # type: ignore[arg-type]  # None: the periodic job
        kind=kind,
        message=message,
        params={"unit": access.org_unit.name, "reason": access.reason},
        details={
            "org_unit": str(access.org_unit.public_id),
            "reason": access.reason,
            "access": str(access.public_id),
            "ended": why,
        },
        request=request,
        bump=False,
    )


def case_access_revoke(*, actor: User, access: CaseAccess, request: HttpRequest | None = None) -> CaseAccess:
    """End an access grant. Revoking an already revoked grant changes nothing."""
    with transaction.atomic():
        access = CaseAccess.objects.select_for_update().select_related("case", "org_unit").get(pk=access.pk)
        if access.revoked_at is not None:
            return access
        _require(actor, P.CASE_VIEW, access.case)
        _end(actor, access, CaseAccess.Ended.REVOKED, request)
    return access


def case_access_end_for_consent(*, actor: User, consent: Consent, request: HttpRequest | None = None) -> list[str]:
    """A consent was withdrawn (registry ``register_consent_withdrawn``, inside its transaction):
    every grant resting on it ends now; the services already recorded stay with the child. Grants
    made before grants named their consent end too when they were given to the unit the consent
    named for this child on the basis of consent, unless another current consent still covers
    them. Returns the names of the units that lost access."""
    if consent.purpose != Consent.Purpose.DATA_SHARING or consent.shared_with_id is None:
        return []
    legacy = Q(basis=CaseAccess.Basis.CONSENT, consent__isnull=True, case__child_id=consent.person_id)
    legacy &= Q(org_unit_id=consent.shared_with_id)
    still_covered = Consent.objects.filter(
        person_id=consent.person_id,
        purpose=Consent.Purpose.DATA_SHARING,
        shared_with_id=consent.shared_with_id,
        withdrawn_on__isnull=True,
    ).exists()
    rows = CaseAccess.objects.active().filter(Q(consent=consent) | legacy if not still_covered else Q(consent=consent))
    ended: list[str] = []
    for access in rows.select_for_update().select_related("case", "org_unit").order_by("pk"):
        _end(actor, access, CaseAccess.Ended.CONSENT_WITHDRAWN, request)
        if access.org_unit.name not in ended:
            ended.append(access.org_unit.name)
    return ended


# Why a partner's access ends after the grace period (English msgids, read in the reader's language).
WHY_CASE_CLOSED = gettext_noop("the case was closed")
WHY_REFERRAL_COMPLETED = gettext_noop("the referral was completed")


def partner_grace_end() -> dt.datetime:
    """When a partner's access ends if its referral is completed (or the case closed) now."""
    return timezone.now() + dt.timedelta(days=settings.CPIMS_PARTNER_ACCESS_GRACE_DAYS)


def case_access_expire_after(
    *, actor: User, case: Case, why: str, only: CaseAccess | None = None, request: HttpRequest | None = None
) -> int:
    """The case was closed (or, with ``only``, one referral completed): the grants in force to
    other units end after the grace period (``CPIMS_PARTNER_ACCESS_GRACE_DAYS``), or sooner if they
    already end sooner. Called inside the caller's transaction; returns how many changed."""
    until = partner_grace_end()
    rows = CaseAccess.objects.active().filter(case=case).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=until))
    if only is not None:
        rows = rows.filter(pk=only.pk)
    changed = list(rows.select_for_update().select_related("org_unit").order_by("pk"))
    if not changed:
        return 0
    CaseAccess.objects.filter(pk__in=[a.pk for a in changed]).update(expires_at=until)
    _record(
        case=case,
        actor=actor,
        kind="access_expiry",
        message="access.expiry_set",
        params={
            "units": ", ".join(sorted({a.org_unit.name for a in changed})),
            "date": date_param(timezone.localdate(until)),
            "why": text_param(why),
        },
        details={"access": [str(a.public_id) for a in changed], "expires_at": until.isoformat(timespec="seconds")},
        request=request,
        bump=False,
    )
    return len(changed)


def case_access_end_expired(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Record the end of grants past their expiry (the periodic job). Reads already ignore them
    (``CaseAccess.objects.active``): this only writes the end into the record and the audit."""
    now = now or timezone.now()
    done = 0
    ids = list(
        CaseAccess.objects.filter(revoked_at__isnull=True, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            access = (
                CaseAccess.objects.select_for_update()
                .select_related("case", "org_unit")
                .filter(pk=pk, revoked_at__isnull=True)
                .first()
            )
            if access is None:
                continue
            _end(None, access, CaseAccess.Ended.EXPIRED, None)
            done += 1
    return done


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

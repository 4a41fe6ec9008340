"""Break-the-glass: an officer who must open a case outside their scope in an emergency gives a
reason and gets read-only access to it, for themselves alone, for a few hours
(``CPIMS_EMERGENCY_ACCESS_HOURS``). The case's timeline and the audit record it; the officer's
supervisors are told (their task list, and an e-mail when they have an address)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import Assignment, User
from cpims.cases.actions.access import case_access_grant
from cpims.cases.models import Case, CaseAccess
from cpims.geo.models import Area, OrgUnit

logger = logging.getLogger(__name__)

MIN_REASON = 10
# Who is told: the users whose grants reach the officer's unit and who answer for the access log.
SUPERVISOR_PERM = P.CHILD_ACCESS_LOG


def emergency_unit(actor: User) -> OrgUnit | None:
    """The unit the officer breaks the glass from: their first unit holding the permission."""
    units = sorted({g.org_unit_id for g in scope.grants_for(actor).with_perm(P.CASE_EMERGENCY_ACCESS)})
    return OrgUnit.objects.filter(pk__in=units, is_active=True).order_by("pk").first() if units else None


def emergency_access_open(*, actor: User, case: Case, reason: str, request: HttpRequest | None = None) -> CaseAccess:
    """Open ``case`` to ``actor`` alone, read-only, until now + ``CPIMS_EMERGENCY_ACCESS_HOURS``.

    Refused (PermissionDenied) without ``case.emergency_access``; refused (ValidationError) when
    the reason is too short or the officer can already open the case."""
    unit = emergency_unit(actor)
    if unit is None:
        raise PermissionDenied
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": [_("Say why you must open this case now (at least 10 characters).")]})
    if scope.can(actor, P.CASE_VIEW, case):
        raise ValidationError({"case_number": [_("You can already open this case; no emergency access is needed.")]})
    until = timezone.now() + dt.timedelta(hours=settings.CPIMS_EMERGENCY_ACCESS_HOURS)
    with transaction.atomic(durable=True):
        access = case_access_grant(
            actor=actor,
            case=case,
            org_unit=unit,
            reason="emergency",
            basis=CaseAccess.Basis.EMERGENCY,
            basis_note=reason,
            user=actor,
            expires_at=until,
            request=request,
        )
        supervisors = supervisors_of(unit, exclude=actor)
        transaction.on_commit(lambda: _tell(supervisors, actor, unit, case, until))
    scope.forget(actor)
    return access


def _reaches(a: Assignment, unit: OrgUnit) -> bool:
    if a.role.scope == "national":
        return True
    if a.org_unit_id == unit.pk:
        return a.role.scope in ("area", "org_unit")
    area = a.org_unit.area
    if a.role.scope != "area" or area is None:
        return False
    if area.level == Area.Level.COUNTY:
        return a.org_unit.county_id is not None and a.org_unit.county_id == unit.county_id
    return a.org_unit.sub_county_id is not None and a.org_unit.sub_county_id == unit.sub_county_id


def supervisors_of(unit: OrgUnit, *, exclude: User | None = None) -> list[User]:
    """Active users whose grants with the supervisor permission reach ``unit``: national ones, the
    county's and the sub-county's (area roles), and the unit's own."""
    near = Q(role__scope="national") | Q(org_unit=unit)
    if unit.county_id is not None:
        near |= Q(org_unit__county_id=unit.county_id)
    rows = (
        Assignment.objects.filter(near, is_active=True, user__is_active=True, org_unit__is_active=True)
        .select_related("role", "org_unit__area", "user")
        .order_by("user_id")
    )
    out: dict[int, User] = {}
    for a in rows:
        if SUPERVISOR_PERM in a.role.permissions and _reaches(a, unit) and a.user != exclude:
            out[a.user_id] = a.user
    return list(out.values())


def _tell(supervisors: list[User], actor: User, unit: OrgUnit, case: Case, until: dt.datetime) -> None:
    """E-mail the supervisors who have an address (the case number and who; no child's data)."""
    recipients = sorted({u.email for u in supervisors if u.email})
    if not recipients:
        return
    subject = _("CPIMS: emergency access to case %(number)s") % {"number": case.case_number}
    body = _(
        "%(user)s (%(unit)s) opened case %(number)s in an emergency, until %(until)s. "
        "The reason is on the list of emergency accesses in CPIMS."
    ) % {
        "user": actor.get_username(),
        "unit": unit.name,
        "number": case.case_number,
        "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
    }
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        # The access stands and is on the supervisors' task list; the mail server may be down.
        logger.warning("emergency access e-mail not sent", exc_info=True)

"""What the care actions share: the locked placement, the stale-edit check, the audit event, the
institution and overlap checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.care.models import Institution, Placement, StatusChange
from cpims.core.edits import refuse_stale
from cpims.core.validation import Errors, add_error, short_date
from cpims.geo.models import OrgUnit

# Care notes may be longer than core.validation's default limit.
MAX_TEXT = 5000


def _audit(actor: User, action: str, placement: Placement, request: HttpRequest | None, **details: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=placement,
        request=request,
        details={"child": str(placement.child.public_id), **details},
    )


def _lock_placement(actor: User, placement: Placement) -> Placement:
    """The placement row locked for this transaction, if ``actor`` may manage it (404 / 403)."""
    list(Placement.objects.select_for_update().filter(pk=placement.pk).values_list("pk", flat=True))
    return scope.get_for(
        actor,
        Placement.objects.select_related("child", "institution", "care_type", "case"),
        view=P.PLACEMENT_VIEW,
        write=P.PLACEMENT_MANAGE,
        pk=placement.pk,
    )


def _stale_message(placement: Placement) -> str:
    last = StatusChange.objects.filter(placement=placement).select_related("recorded_by").order_by("-id").first()
    what = (
        _("status %(status)s on %(date)s by %(user)s")
        % {
            "status": last.get_status_display(),
            "date": short_date(last.on),
            "user": last.recorded_by.get_username() if last.recorded_by else "-",
        }
        if last
        else _("unknown change")
    )
    return _(
        "Someone else changed this placement after you opened it (latest: %(what)s). Nothing was saved: "
        "reload the page, check their changes and make yours again."
    ) % {"what": what}


def _stale(placement: Placement, expected_version: int | None) -> None:
    refuse_stale(placement, field="version", expected=expected_version, message=_stale_message)


def institution_closed_message(unit: OrgUnit) -> str:
    return _("%(name)s is closed: a child cannot be placed there. Choose an open institution.") % {"name": unit.name}


def _check_institution(errors: Errors, fld: str, unit: Any) -> None:
    if not isinstance(unit, OrgUnit) or not unit.is_institution:
        add_error(errors, fld, _("Choose a children's institution (CCI or statutory institution)."))
        return
    profile = Institution.objects.filter(org_unit=unit).first()
    if not unit.is_active or (profile is not None and not profile.is_open):
        add_error(errors, fld, institution_closed_message(unit))


def _overlap_message(other: Placement) -> str:
    if other.ended_on is None:
        return _(
            "This child is already in care (%(where)s, since %(date)s). Transfer or discharge that placement first."
        ) % {"where": other.where, "date": short_date(other.admitted_on)}
    return _("This child was in care (%(where)s) until %(date)s: the new admission cannot start before that.") % {
        "where": other.where,
        "date": short_date(other.ended_on),
    }


def _overlapping(child_id: int, admitted_on: dt.date, exclude: int | None = None) -> Placement | None:
    """A placement of the child that is still active, or that ended after ``admitted_on``."""
    qs = Placement.objects.filter(child_id=child_id).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=admitted_on))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.select_related("institution", "care_type").order_by("-admitted_on").first()


def _refuse_ended(placement: Placement) -> None:
    """Nothing more changes on a placement that has ended."""
    if placement.ended_on is not None:
        raise ValidationError(
            _("This placement ended on %(date)s: nothing more can change on it.")
            % {"date": short_date(placement.ended_on)},
            code="ended",
        )

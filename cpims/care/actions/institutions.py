"""The care profile of an institution: registration, the area it serves, open or closed, and its
capacity by sex and age band."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.care.actions._helpers import MAX_TEXT
from cpims.care.models import (
    INSTITUTION_TYPE_LIST,
    KIND_TO_INSTITUTION_TYPE,
    CapacityRow,
    Institution,
    Placement,
)
from cpims.core import ages
from cpims.core.edits import refuse_stale
from cpims.core.models import Code
from cpims.core.validation import Errors, add_error, clean_text, in_list, raise_errors
from cpims.geo.models import Area, OrgUnit


@dataclass
class CapacityInput:
    sex: str
    band: str
    places: int


def _rows_overlap(a: CapacityInput, b: CapacityInput) -> bool:
    sex = a.sex == b.sex or CapacityRow.ANY in (a.sex, b.sex)
    band = a.band == b.band or CapacityRow.ANY in (a.band, b.band)
    return sex and band


def _check_capacity(errors: Errors, capacity: Sequence[CapacityInput]) -> list[CapacityInput]:
    """The rows with a number of places; problems recorded in ``errors``."""
    valid_bands = {CapacityRow.ANY, *ages.band_keys(ages.DCS)} - {ages.UNKNOWN}
    rows = [r for r in capacity if r.places is not None]
    for i, row in enumerate(rows):
        if row.sex not in CapacityRow.Sex.values or row.band not in valid_bands:
            add_error(errors, "capacity", _("Choose a sex and an age band for every capacity row."))
        if row.places < 0:
            add_error(errors, "capacity", _("Places cannot be negative."))
        for other in rows[:i]:
            if _rows_overlap(row, other):
                add_error(
                    errors,
                    "capacity",
                    _("Two capacity rows cover the same children (%(a)s and %(b)s): merge them.")
                    % {"a": f"{row.sex}/{row.band}", "b": f"{other.sex}/{other.band}"},
                )
    return rows


def _lock_profile(unit: OrgUnit, expected_version: int | None) -> Institution | None:
    """The unit's care profile (None before the first save), locked; StaleEdit if it moved on."""
    profile = Institution.objects.select_for_update().filter(org_unit=unit).first()
    if profile is not None:
        refuse_stale(
            profile,
            field="version",
            expected=expected_version,
            message=_(
                "Someone else changed this institution's profile after you opened it. Nothing was saved: reload "
                "the page, check their changes and make yours again."
            ),
        )
    return profile


def institution_save(
    *,
    actor: User,
    org_unit: OrgUnit,
    expected_version: int | None,
    registration_status: str,
    registration_number: str = "",
    registered_on: dt.date | None = None,
    serves: Area | None = None,
    institution_type: Code | None = None,
    is_open: bool = True,
    closed_on: dt.date | None = None,
    capacity: Sequence[CapacityInput] = (),
    notes: str = "",
    request: HttpRequest | None = None,
) -> Institution:
    """Create or update the care profile of an institution and its capacity rows.

    Needs placement.manage or orgunit.manage over the org unit. Capacity rows may not overlap
    (e.g. "girls, any age" with "girls, 0–5"), so their sum is the institution's capacity."""
    with transaction.atomic(durable=True):
        unit = _institution_unit_for_write(actor, org_unit)
        profile = _lock_profile(unit, expected_version)
        errors: Errors = {}
        if registration_status not in Institution.Registration.values:
            add_error(errors, "registration_status", _("Choose the registration status."))
        registration_number = clean_text(errors, "registration_number", registration_number, 60)
        if registration_status == Institution.Registration.REGISTERED and not registration_number:
            add_error(errors, "registration_number", _("Enter the registration number of a registered institution."))
        if registered_on is not None and registered_on > timezone.localdate():
            add_error(errors, "registered_on", _("This date cannot be in the future."))
        if serves is not None and serves.level == Area.Level.WARD:
            add_error(errors, "serves", _("Choose a county or sub-county."))
        if institution_type is not None and not in_list(institution_type, INSTITUTION_TYPE_LIST):
            add_error(errors, "institution_type", _("Choose the institution type from the DCS list."))
        if is_open:
            closed_on = None
        elif closed_on is None:
            closed_on = timezone.localdate()
        elif closed_on > timezone.localdate():
            add_error(errors, "closed_on", _("This date cannot be in the future."))
        if not is_open and Placement.objects.filter(institution=unit, ended_on__isnull=True).exists():
            add_error(
                errors,
                "is_open",
                _("Children are still placed here: transfer or discharge them before closing the institution."),
            )
        rows = _check_capacity(errors, capacity)
        notes = clean_text(errors, "notes", notes, MAX_TEXT)
        raise_errors(errors)
        if institution_type is None and profile is None:
            dcs = KIND_TO_INSTITUTION_TYPE.get(unit.kind)
            if dcs:
                institution_type = Code.objects.filter(code_list__name=INSTITUTION_TYPE_LIST, code=dcs).first()
        profile = profile or Institution(org_unit=unit)
        created = profile.pk is None
        profile.registration_status, profile.registration_number = registration_status, registration_number
        profile.registered_on, profile.serves = registered_on, serves
        if institution_type is not None:
            profile.institution_type = institution_type
        profile.is_open, profile.closed_on, profile.notes = is_open, closed_on, notes
        if not created:
            profile.version += 1
        profile.save()
        profile.capacity_rows.all().delete()
        CapacityRow.objects.bulk_create(
            [CapacityRow(institution=profile, sex=r.sex, band=r.band, places=r.places) for r in rows]
        )
        audit_record(
            actor=actor,
            action="institution.create" if created else "institution.update",
            obj=unit,
            request=request,
            details={
                "is_open": is_open,
                "registration_status": registration_status,
                "capacity": sum(r.places for r in rows),
            },
        )
    return profile


def _institution_unit_for_write(actor: User, org_unit: OrgUnit) -> OrgUnit:
    """The unit, if it is an institution the actor may see and manage (placement.manage or
    orgunit.manage over it): 404 outside sight, 403 when read-only."""
    qs = OrgUnit.objects.filter(pk=org_unit.pk, kind__in=OrgUnit.INSTITUTION_KINDS)
    seen = any(scope.restrict(actor, qs, perm).exists() for perm in (P.PLACEMENT_VIEW, P.ORGUNIT_MANAGE))
    if not seen:
        raise Http404
    if not any(scope.restrict(actor, qs, perm).exists() for perm in (P.PLACEMENT_MANAGE, P.ORGUNIT_MANAGE)):
        raise PermissionDenied
    return qs.get()

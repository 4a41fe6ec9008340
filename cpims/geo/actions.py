"""Every write to organisation units.

Each action validates before writing, writes in one transaction together with its audit event,
and copies ``county``/``sub_county`` from the area the unit serves so scope filters stay one
indexed equality. Where a unit may be placed is decided by the scope rules
(:mod:`cpims.accounts.scope`): the written unit must lie within the actor's ``orgunit.manage``
grants, or the transaction is rolled back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.core.edits import StaleEdit as StaleEdit  # StaleEdit: raised here
from cpims.core.edits import lock_for_edit
from cpims.geo.models import Area, OrgUnit

CREATE = "orgunit.create"
UPDATE = "orgunit.update"

EDITABLE_FIELDS = ("name", "code", "kind", "parent", "area", "phone", "email", "physical_address", "is_active")

# The area levels a unit of each kind may serve; None means "no area". Kinds not listed serve
# exactly one area of any level.
_NO_AREA = frozenset({None})
_ANY_LEVEL = frozenset({Area.Level.COUNTY, Area.Level.SUB_COUNTY, Area.Level.WARD})
AREA_LEVELS: dict[str, frozenset[str | None]] = {
    OrgUnit.Kind.NATIONAL_OFFICE: _NO_AREA,
    OrgUnit.Kind.REGIONAL_OFFICE: _NO_AREA,
    OrgUnit.Kind.COUNTY_OFFICE: frozenset({Area.Level.COUNTY}),
    OrgUnit.Kind.SUB_COUNTY_OFFICE: frozenset({Area.Level.SUB_COUNTY}),
    OrgUnit.Kind.HELPLINE: _ANY_LEVEL | _NO_AREA,
}

# How deep a parent chain may go before we call it broken (HQ > region > county > sub-county > …).
_MAX_DEPTH = 20


def allowed_area_levels(kind: str) -> frozenset[str | None]:
    return AREA_LEVELS.get(kind, _ANY_LEVEL)


def _area_error(kind: str, area: Area | None) -> str | None:
    allowed = allowed_area_levels(kind)
    level = area.level if area is not None else None
    if level in allowed:
        return None
    if kind == OrgUnit.Kind.COUNTY_OFFICE:
        return _("A county children office serves a county: choose a county, without a sub-county or ward.")
    if kind == OrgUnit.Kind.SUB_COUNTY_OFFICE:
        return _("A sub-county children office serves a sub-county: choose a sub-county, without a ward.")
    if allowed == _NO_AREA:
        return _("A national or regional office serves no single area: leave the county empty.")
    return _("Choose the county, sub-county or ward this unit serves.")


def _parent_error(unit: OrgUnit, parent: OrgUnit | None) -> str | None:
    if parent is None:
        return None
    if unit.pk is not None and parent.pk == unit.pk:
        return _("A unit cannot be its own parent.")
    if unit.pk is None:
        return None  # a new unit has no children, so no loop is possible
    # Walk up from the parent: meeting the unit itself means the unit would sit under itself.
    seen: set[int] = set()
    current_id: int | None = parent.pk
    for _step in range(_MAX_DEPTH):
        if current_id is None:
            return None
        if current_id == unit.pk:
            return _("This parent lies under the unit itself; choose a unit above it or beside it.")
        if current_id in seen:
            break
        seen.add(current_id)
        current_id = OrgUnit.objects.filter(pk=current_id).values_list("parent_id", flat=True).first()
    return _("The chain of parent units above this parent is too deep or loops; fix it first.")


def _normalise(unit: OrgUnit) -> None:
    unit.name = " ".join((unit.name or "").split())
    unit.code = (unit.code or "").strip().upper()
    unit.phone = (unit.phone or "").strip()
    unit.email = (unit.email or "").strip().lower()
    unit.physical_address = (unit.physical_address or "").strip()
    area = unit.area
    unit.county_id = area.county_id if area is not None else None
    unit.sub_county_id = area.sub_county_id if area is not None else None


def _validate(unit: OrgUnit) -> None:
    """Raise a ValidationError with every problem found; writes nothing."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str | None) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    if not unit.name:
        add("name", _("Enter the unit's name."))
    if not unit.code:
        add("code", _("Enter the unit's code."))
    elif OrgUnit.objects.filter(code__iexact=unit.code).exclude(pk=unit.pk).exists():
        add("code", _("Another unit already uses the code %(code)s.") % {"code": unit.code})
    if unit.kind not in OrgUnit.Kind.values:
        add("kind", _("Choose the type of unit."))
    else:
        add("area", _area_error(unit.kind, unit.area))
    add("parent", _parent_error(unit, unit.parent))
    try:
        # Field formats and lengths (email, max lengths); uniqueness was checked above.
        unit.full_clean(
            exclude=[*errors, "parent", "area", "county", "sub_county"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, message)
    if errors:
        raise ValidationError(errors)


def _check_placement(actor: User, unit: OrgUnit) -> None:
    """The written unit must lie where the actor manages units; raising rolls the write back.

    The actor's grants were read before the write, so editing the actor's own office cannot
    widen what they manage.
    """
    if not scope.can(actor, P.ORGUNIT_MANAGE, unit):
        raise ValidationError({"area": [_("You can only place units within the area you manage.")]})


def _save(unit: OrgUnit, actor: User) -> None:
    """Save, turning a lost race for the same code (checked just before) into the same message."""
    unit._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        if OrgUnit.objects.filter(code__iexact=unit.code).exclude(pk=unit.pk).exists():
            raise ValidationError(
                {"code": [_("Another unit already uses the code %(code)s.") % {"code": unit.code}]}
            ) from exc
        raise


def _audit_details(unit: OrgUnit, changed: list[str] | None = None) -> dict[str, Any]:
    details: dict[str, Any] = {"code": unit.code, "kind": unit.kind}
    if changed is not None:
        details["changed"] = changed
    return details


def orgunit_create(
    *,
    actor: User,
    request: HttpRequest | None = None,
    name: str,
    code: str,
    kind: str,
    parent: OrgUnit | None = None,
    area: Area | None = None,
    phone: str = "",
    email: str = "",
    physical_address: str = "",
    is_active: bool = True,
) -> OrgUnit:
    """Create an organisation unit where ``actor`` manages units. Raises ValidationError."""
    unit = OrgUnit(
        name=name,
        code=code,
        kind=kind,
        parent=parent,
        area=area,
        phone=phone,
        email=email,
        physical_address=physical_address,
        is_active=is_active,
    )
    _normalise(unit)
    scope.grants_for(actor)  # read (and cache) the actor's grants before anything changes
    _validate(unit)
    with transaction.atomic():
        _save(unit, actor)
        _check_placement(actor, unit)
        audit_record(
            actor=actor, action=CREATE, obj=unit, object_label=unit.code, request=request, details=_audit_details(unit)
        )
    return unit


def orgunit_update(
    *,
    actor: User,
    org_unit: OrgUnit,
    expected_updated_at: datetime,
    request: HttpRequest | None = None,
    **fields: Any,
) -> OrgUnit:
    """Change an organisation unit's ``fields`` (any of ``EDITABLE_FIELDS``).

    ``expected_updated_at`` is the ``updated_at`` the editor read; if the unit changed since, the
    edit is refused with :class:`StaleEdit` and nothing is written. Raises ValidationError when
    the change is not valid, PermissionDenied when ``actor`` may not manage this unit.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"orgunit_update() got unexpected fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        unit = lock_for_edit(
            org_unit,
            field="updated_at",
            expected=expected_updated_at,
            message=_(
                "Someone else changed this unit after you opened it. Nothing was saved: "
                "reload the page to see their changes, then make yours again."
            ),
            unchecked_ok=False,
        )
        if not scope.can(actor, P.ORGUNIT_MANAGE, unit):
            raise PermissionDenied
        before = {name: getattr(unit, _attname(name)) for name in EDITABLE_FIELDS}
        for name, value in fields.items():
            setattr(unit, name, value)
        _normalise(unit)
        _validate(unit)
        changed = [name for name in EDITABLE_FIELDS if getattr(unit, _attname(name)) != before[name]]
        if not changed:
            return unit
        _save(unit, actor)
        _check_placement(actor, unit)
        audit_record(
            actor=actor,
            action=UPDATE,
            obj=unit,
            object_label=unit.code,
            request=request,
            details=_audit_details(unit, changed),
        )
    return unit


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("parent", "area") else name

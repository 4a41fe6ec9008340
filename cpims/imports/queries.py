"""Every read of the imports app: the uploads a user may see, and the look-ups the kinds make
(areas by official code, units and roles by code), each through the scope rules."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import Role, User
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit
from cpims.imports.kinds.base import ImportKind, all_kinds
from cpims.imports.models import ImportBatch

DATA_IMPORT = P.DATA_IMPORT


def kinds_for(user: User) -> list[ImportKind]:
    """The kinds of import ``user`` may use: data.import and the kind's own permission."""
    if not scope.has_perm(user, DATA_IMPORT):
        return []
    return [kind for kind in all_kinds() if scope.has_perm(user, kind.perm)]


def batches_of(user: User, limit: int = 20) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(created_by=user)[:limit]


def batch_for(user: User, public_id: UUID | str) -> ImportBatch:
    """The user's own upload: 403 without data.import, 404 for anybody else's or an unknown id."""
    scope.require_perm(user, DATA_IMPORT)
    try:
        return ImportBatch.objects.get(public_id=public_id, created_by=user)
    except (ImportBatch.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def area_by_code(level: str, code: str) -> Area | None:
    return Area.objects.filter(level=level, code=code.strip()).first()


def orgunit_by_code(user: User, code: str) -> OrgUnit | None:
    """A unit the user may see, by its code (any case)."""
    units = scope.restrict(user, OrgUnit.objects.select_related("area"), P.ORGUNIT_VIEW)
    return units.filter(code__iexact=code.strip()).first()


def sub_county_office(area: Area) -> OrgUnit | None:
    """The active DCS sub-county office serving ``area`` (a sub-county)."""
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.SUB_COUNTY_OFFICE, area=area, is_active=True).first()


def codes_of(list_name: str) -> QuerySet[Code]:
    return Code.objects.filter(code_list__name=list_name)


def role_by_code(code: str) -> Role | None:
    return Role.objects.filter(code=code.strip()).first()


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username.strip()).exists()


def registering_unit(user: User, institution: OrgUnit) -> OrgUnit | None:
    """The unit at which ``user`` registers the residents of ``institution``: the institution itself
    when the user works there, else the user's unit whose child.create grant reaches it; None when no
    grant reaches it (another county's institution)."""
    grants = scope.grants_for(user).with_perm(P.CHILD_CREATE)
    if any(g.org_unit_id == institution.pk for g in grants):
        return institution
    if not scope.can(user, P.CHILD_CREATE, institution):
        return None
    for grant in grants:
        if _reaches(grant, institution):
            return OrgUnit.objects.get(pk=grant.org_unit_id)
    return None


def _reaches(grant: Any, unit: OrgUnit) -> bool:
    if grant.scope == Role.Scope.NATIONAL:
        return True
    if grant.scope == Role.Scope.AREA and grant.area_level == Area.Level.COUNTY:
        return bool(unit.county_id == grant.county_id)
    if grant.scope == Role.Scope.AREA:
        return bool(unit.sub_county_id == grant.sub_county_id)
    return False

"""Every read of areas and organisation units used by pages, the API and other apps.

Org units are read through the scope rules (:mod:`cpims.accounts.scope`); areas are public
reference data.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.geo.models import Area, OrgUnit

_RELATED = ("parent", "area", "county", "sub_county")


def orgunits_for(
    user: User,
    *,
    perm: str = P.ORGUNIT_VIEW,
    q: str = "",
    kind: str = "",
    county: Area | int | None = None,
    sub_county: Area | int | None = None,
    active: bool | None = None,
) -> QuerySet[OrgUnit]:
    """The org units ``user`` may act on with ``perm``, searched by name or code and filtered."""
    qs = search_orgunits(scope.restrict(user, OrgUnit.objects.all(), perm), q)
    if kind:
        qs = qs.filter(kind=kind)
    if county is not None:
        qs = qs.filter(county=county)
    if sub_county is not None:
        qs = qs.filter(sub_county=sub_county)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.select_related(*_RELATED).order_by("name", "pk")


def search_orgunits(qs: QuerySet[OrgUnit], q: str) -> QuerySet[OrgUnit]:
    """Units whose name or code contains ``q`` (case-insensitive); all of ``qs`` when ``q`` is blank."""
    q = q.strip()
    if not q:
        return qs
    return qs.filter(Q(name__icontains=q) | Q(code__icontains=q))


def with_can_manage(user: User, qs: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Annotate ``can_manage`` (may ``user`` edit this unit) in the same query, not one per row."""
    q = scope.visible_q(user, OrgUnit, P.ORGUNIT_MANAGE)
    if q is None:
        flag: Any = Value(False)
    elif not q:
        flag = Value(True)
    else:
        flag = Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())
    return qs.annotate(can_manage=flag)


def parent_choices(
    user: User, *, current_parent_id: int | None = None, exclude_id: int | None = None
) -> QuerySet[OrgUnit]:
    """The units ``user`` may name as a parent: those they may see, plus the unit's current parent
    (an office's parent may lie outside the editor's scope, e.g. headquarters above a county office,
    and saving the form must not drop it)."""
    allowed = Q(pk__in=scope.restrict(user, OrgUnit.objects.all(), P.ORGUNIT_VIEW).values("pk"))
    if current_parent_id is not None:
        allowed |= Q(pk=current_parent_id)
    qs = OrgUnit.objects.filter(allowed)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.only("id", "name", "code", "public_id").order_by("name", "pk")


def orgunit_for(user: User, public_id: UUID | str, *, write: bool = False) -> OrgUnit:
    """One org unit: 404 outside the user's view scope, 403 when ``write`` and read-only."""
    return scope.get_for(
        user,
        OrgUnit.objects.select_related(*_RELATED),
        view=P.ORGUNIT_VIEW,
        write=P.ORGUNIT_MANAGE if write else None,
        public_id=public_id,
    )


def can_manage(user: User, org_unit: OrgUnit) -> bool:
    return scope.can(user, P.ORGUNIT_MANAGE, org_unit)


def can_view(user: User, org_unit: OrgUnit) -> bool:
    return scope.can(user, P.ORGUNIT_VIEW, org_unit)


def child_units_for(user: User, org_unit: OrgUnit, *, limit: int = 100) -> list[OrgUnit]:
    """The units directly under ``org_unit`` that ``user`` may see (at most ``limit``)."""
    qs = scope.restrict(user, OrgUnit.objects.filter(parent=org_unit), P.ORGUNIT_VIEW)
    return list(qs.select_related("county", "sub_county").order_by("name", "pk")[:limit])


def counties() -> QuerySet[Area]:
    return Area.objects.filter(level=Area.Level.COUNTY).order_by("name")


def child_areas(parent: Area | int | None) -> QuerySet[Area]:
    """The areas directly under ``parent`` (sub-counties of a county, wards of a sub-county)."""
    if parent is None:
        return Area.objects.none()
    return Area.objects.filter(parent=parent).order_by("name")


def wards_of_county(county: Area | int) -> QuerySet[Area]:
    """Every ward of a county: one indexed equality on the denormalised ``county`` column."""
    return Area.objects.filter(county=county, level=Area.Level.WARD).order_by("name")


def own_unit_ids(user: User) -> set[int]:
    """The units the user works at (their role assignments): never offered as a destination."""
    return {g.org_unit_id for g in scope.grants_for(user).items}


def pickable_units(
    user: User, *, county: int | None = None, kind: str = "", kinds: frozenset[str] | None = None
) -> QuerySet[OrgUnit]:
    """Active units a case can be sent to (referral, transfer), by county (national units, with no
    county, are listed under every county) and type, without the user's own offices. Destinations are
    directory data: a unit outside the user's scope may be chosen (that is what a referral is for)."""
    qs = OrgUnit.objects.filter(is_active=True).exclude(pk__in=sorted(own_unit_ids(user)))
    if kinds is not None:
        qs = qs.filter(kind__in=sorted(kinds))
    if kind:
        qs = qs.filter(kind=kind)
    if county:
        qs = qs.filter(Q(county_id=county) | Q(county__isnull=True))
    return qs.order_by("name", "pk")

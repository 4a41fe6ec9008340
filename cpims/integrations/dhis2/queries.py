"""Every read of the dhis2 app. DHIS2 is national work: only a **national** grant carrying
``dhis2.push`` reaches these pages, the push log and the data value sets (a county coordinator
gets 403; a push log is never visible to anyone else, so its detail answers 404).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.accounts.types import AnyUser
from cpims.core.env import env_secret
from cpims.core.periods import Period
from cpims.geo.models import Area, OrgUnit
from cpims.integrations.dhis2 import datavalues
from cpims.integrations.dhis2.models import (
    CategoryOptionComboMapping,
    DataElementMapping,
    Dhis2Server,
    OrgUnitMapping,
    PushLog,
)


def can_push(user: AnyUser) -> bool:
    """True if ``user`` holds dhis2.push through a national grant."""
    return any(g.scope == "national" for g in scope.grants_for(user).with_perm(P.DHIS2_PUSH))


def require_pusher(user: AnyUser) -> None:
    if not can_push(user):
        raise PermissionDenied


def active_server() -> Dhis2Server | None:
    return Dhis2Server.objects.filter(is_active=True).first()


def unconfigured_server() -> Dhis2Server:
    """Defaults (never saved) so previews and downloads work before a server is configured."""
    from cpims.integrations.dhis2.defaults import default_document

    return Dhis2Server(name="", base_url="", data_set_uid=default_document()["data_set"]["uid"])


def placeholder_uids() -> frozenset[str]:
    """The UIDs of the mapping still at the shipped placeholders (not yet aligned with KHIS)."""
    uids: set[str] = set()
    for model in (DataElementMapping, CategoryOptionComboMapping, OrgUnitMapping):
        uids.update(model.objects.filter(is_placeholder=True).values_list("uid", flat=True))
    return frozenset(uids)


def push_logs_visible_to(user: User) -> QuerySet[PushLog]:
    return scope.restrict(user, PushLog.objects.select_related("server"), P.DHIS2_PUSH)


def push_log_for(user: User, public_id: Any) -> PushLog:
    require_pusher(user)
    return scope.get_for(user, PushLog.objects.select_related("server"), view=P.DHIS2_PUSH, public_id=public_id)


def counties() -> QuerySet[Area]:
    return Area.objects.filter(level=Area.Level.COUNTY).order_by("name")


def county_by_code(code: str) -> Area:
    """The county with official code ``code`` (e.g. "047"); ValidationError when there is none."""
    area = Area.objects.filter(level=Area.Level.COUNTY, code=(code or "").strip()).first()
    if area is None:
        raise ValidationError({"county": _("“%(code)s” is not a county code (e.g. 047).") % {"code": code}})
    return area


def parse_period(code: str) -> Period:
    try:
        return Period.parse(code)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc


def _target(m: OrgUnitMapping) -> datavalues.Target:
    if m.area_id:
        area = m.area
        return datavalues.Target(area.level, area.pk, area.key, area.name, m.uid, m.code)
    unit = m.org_unit
    return datavalues.Target("office", unit.pk, unit.code, unit.name, m.uid, m.code)


def targets_for(server: Dhis2Server, org_units: Sequence[Area | OrgUnit] | None = None) -> list[datavalues.Target]:
    """The DHIS2 org units to report for.

    ``None``: every active mapping at the server's level (counties or sub-counties) plus mapped
    offices. A county asks for itself (county level) or its sub-counties (sub-county level); a
    sub-county or an org unit asks for its own mapping. Something without a mapping is refused.
    """
    base = OrgUnitMapping.objects.filter(is_active=True).select_related("area", "org_unit")
    if not org_units:
        level = base.filter(area__level=server.org_unit_level) | base.filter(org_unit__isnull=False)
        return [_target(m) for m in level.order_by("code")]
    out: list[datavalues.Target] = []
    for unit in org_units:
        if isinstance(unit, OrgUnit):
            rows = list(base.filter(org_unit=unit))
        elif unit.level == Area.Level.COUNTY and server.org_unit_level == Dhis2Server.Level.SUB_COUNTY:
            rows = list(base.filter(area__level=Area.Level.SUB_COUNTY, area__county=unit).order_by("code"))
        else:
            rows = list(base.filter(area=unit))
        if not rows:
            raise ValidationError({"org_units": _("%(name)s has no DHIS2 org unit mapping.") % {"name": unit}})
        out.extend(_target(m) for m in rows)
    return list(dict.fromkeys(out))


def data_value_set(
    user: User, *, period: Period, county: Area | None = None, server: Dhis2Server | None = None
) -> datavalues.DataValueSet:
    """The data value set a push of ``period`` (one county, or all) would send."""
    require_pusher(user)
    server = server or active_server() or unconfigured_server()
    return datavalues.build(
        user, period=period, targets=targets_for(server, [county] if county else None), server=server
    )


def mapping(user: User) -> dict[str, Any]:
    """The mapping page, except the org units (see ``org_unit_mappings``): servers, data elements,
    combos, and the number of placeholders left."""
    require_pusher(user)
    return {
        "servers": list(Dhis2Server.objects.select_related("run_as")),
        "data_elements": list(DataElementMapping.objects.select_related("code")),
        "combos": list(CategoryOptionComboMapping.objects.all()),
        "sub_county_count": OrgUnitMapping.objects.filter(area__level=Area.Level.SUB_COUNTY).count(),
        "placeholders": DataElementMapping.objects.filter(is_placeholder=True).count()
        + CategoryOptionComboMapping.objects.filter(is_placeholder=True).count()
        + OrgUnitMapping.objects.filter(is_placeholder=True).count(),
    }


def coc_mappings(user: User) -> QuerySet[CategoryOptionComboMapping]:
    """Every sex x age band cell's category option combo."""
    require_pusher(user)
    return CategoryOptionComboMapping.objects.all()


def org_unit_mappings(user: User, county: Area | None = None, *, everything: bool = False) -> QuerySet[OrgUnitMapping]:
    """The org-unit mappings to list: without ``county``, the counties and the offices (or, with
    ``everything``, every mapping); with one, that county, its sub-counties and the offices in it.
    Counties first, then sub-counties, then offices, each by code."""
    require_pusher(user)
    rows = OrgUnitMapping.objects.select_related("area", "org_unit")
    if county is None and not everything:
        rows = rows.filter(Q(area__level=Area.Level.COUNTY) | Q(org_unit__isnull=False))
    elif county is not None:
        rows = rows.filter(Q(area__county=county) | Q(org_unit__county=county))
    level_order = Case(
        When(area__level=Area.Level.COUNTY, then=Value(0)),
        When(area__level=Area.Level.SUB_COUNTY, then=Value(1)),
        default=Value(2),
    )
    return rows.order_by(level_order, "code", "id")


def _get_or_404(rows: QuerySet[Any], pk: int) -> Any:
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def data_element_mapping_for(user: User, pk: int) -> DataElementMapping:
    require_pusher(user)
    return _get_or_404(DataElementMapping.objects.select_related("code"), pk)


def coc_mapping_for(user: User, pk: int) -> CategoryOptionComboMapping:
    require_pusher(user)
    return _get_or_404(CategoryOptionComboMapping.objects.all(), pk)


def org_unit_mapping_for(user: User, pk: int) -> OrgUnitMapping:
    require_pusher(user)
    return _get_or_404(OrgUnitMapping.objects.select_related("area__county", "org_unit"), pk)


def server_for(user: User, pk: int) -> Dhis2Server:
    require_pusher(user)
    return _get_or_404(Dhis2Server.objects.select_related("run_as"), pk)


def secret_is_set(server: Dhis2Server) -> bool:
    """Whether the server's secret variable (or NAME_FILE) is set here; never returns the secret."""
    return bool(env_secret(server.password_env))


def national_pusher_by_username(username: str) -> Any | None:
    """The active user ``username`` if they may push to DHIS2 (a national grant), else None."""
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    return found if found is not None and can_push(found) else None

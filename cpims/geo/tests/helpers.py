"""Small helpers shared by the geo tests."""

from __future__ import annotations

from typing import Any

from cpims.audit.models import AuditEvent
from cpims.geo.models import Area, OrgUnit


def area(level: str, code: str) -> Area:
    return Area.objects.get(level=level, code=code)


def county(code: str) -> Area:
    return area(Area.Level.COUNTY, code)


def sub_county(code: str) -> Area:
    return area(Area.Level.SUB_COUNTY, code)


def first_ward(sub_county_code: str) -> Area:
    ward = sub_county(sub_county_code).children.order_by("code").first()
    assert ward is not None
    return ward


def audit_events(action: str, unit: OrgUnit | None = None) -> Any:
    qs = AuditEvent.objects.filter(action=action)
    if unit is not None:
        qs = qs.filter(object_id=str(unit.public_id))
    return qs

"""Justice test helpers: a case of a child in conflict with the law (synthetic names), the units
a track needs (police station, remand home, rehabilitation school, borstal, court), and a track
brought to any step through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.tests.conftest import categories, code, make_child, open_case
from cpims.geo.models import OrgUnit


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def unit(kind: str, code_: str, near: Any) -> OrgUnit:
    return OrgUnit.objects.get_or_create(
        code=code_,
        defaults={
            "name": f"Test {kind} {code_}",
            "kind": kind,
            "area": near.area,
            "county": near.county,
            "sub_county": near.sub_county,
        },
    )[0]


class Units:
    def __init__(self, near: Any) -> None:
        self.police = unit(OrgUnit.Kind.POLICE_STATION, "POL-TEST-1", near)
        self.remand = unit(OrgUnit.Kind.REMAND_HOME, "REM-TEST-1", near)
        self.rehab = unit(OrgUnit.Kind.REHABILITATION_SCHOOL, "REH-TEST-1", near)
        self.borstal = unit(OrgUnit.Kind.BORSTAL, "BOR-TEST-1", near)
        self.court = unit(OrgUnit.Kind.COURT, "CRT-JUS-1", near)


def offender_case(actor: Any, office: Any, first: str = "Juma", last: str = "Testchild") -> Any:
    child = make_child(actor, office, first=first, last=last)
    return open_case(actor, office, child=child, categories=categories("CSAB"))


def open_track(actor: Any, case: Any, units: Units, arrested: int = -20) -> Any:
    from cpims.justice.actions import justice_track_open

    return justice_track_open(
        actor=actor,
        case=case,
        ob_number="OB 12/3/2026",
        police_station=units.police,
        charge="Stealing (test)",
        arrested_on=days(arrested),
    )


def to_court(actor: Any, track: Any, units: Units) -> tuple[Any, Any]:
    """The track taken to court, with the plea taken the day after the arrest; returns (track, plea session)."""
    from cpims.court.actions import court_session_record
    from cpims.justice import actions

    on = track.arrested_on + dt.timedelta(days=1)
    track = actions.justice_route_set(
        actor=actor, track=track, expected_version=track.version, route="court", decided_on=on
    )
    plea = court_session_record(
        actor=actor,
        case=track.case,
        session_type=code("courtsession_type_id", "STPL"),
        held_on=on,
        court=units.court,
        plea=code("plea_type_id", "PLGU"),
    )
    track = actions.justice_court_record(
        actor=actor, track=track, expected_version=track.version, plea_session=plea, bail="refused", bail_on=on
    )
    return track, plea


def committal_order(
    actor: Any, case: Any, units: Units, *, held: int = -2, expires: int = 365, code_: str = "OLCR"
) -> Any:
    from cpims.court.actions import court_order_add, court_session_record

    session = court_session_record(
        actor=actor,
        case=case,
        session_type=code("courtsession_type_id", "STHR"),
        held_on=days(held),
        court=units.court,
    )
    return court_order_add(
        actor=actor, session=session, order_type=code("court_order_id", code_), expires_on=days(expires)
    )


@pytest.fixture
def units(cast: Any) -> Units:
    return Units(cast.westlands_office)


@pytest.fixture
def jcase(cast: Any) -> Any:
    return offender_case(cast.nairobi_officer, cast.westlands_office)


@pytest.fixture
def track(cast: Any, jcase: Any, units: Units) -> Any:
    return open_track(cast.nairobi_officer, jcase, units)


@pytest.fixture
def turkana_track(cast: Any) -> Any:
    units = Units(cast.turkana_central_office)
    child = make_child(cast.turkana_officer, cast.turkana_central_office, first="Ekai", last="Testchild")
    case = open_case(cast.turkana_officer, cast.turkana_central_office, child=child, categories=categories("CSAB"))
    return open_track(cast.turkana_officer, case, units)

"""Demo data of the justice app (CPIMS_DEMO only; idempotent).

Two synthetic children in conflict with the law at the Westlands demo office, with demo police
station, remand home, rehabilitation school and court units: one still on remand past the legal
limit (an alert), one committed to the rehabilitation school by an order expiring in three weeks
(an alert), with a probation officer's report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cpims.accounts.models import User
from cpims.cases.actions import case_open
from cpims.core.models import Code
from cpims.court import actions as court_actions
from cpims.geo.models import Area, OrgUnit
from cpims.justice import actions
from cpims.justice.models import JusticeTrack
from cpims.justice.queries import remand_limit_days
from cpims.registry import actions as registry_actions

OFFICE = "DCS-SC274"  # Westlands sub-county children office
UNITS = {
    "police": ("DEMO-POLICE-PARKLANDS", "Parklands Police Station (demo)", OrgUnit.Kind.POLICE_STATION),
    "remand": ("DEMO-REMAND-NAIROBI", "Nairobi Children's Remand Home (demo)", OrgUnit.Kind.REMAND_HOME),
    "rehab": ("DEMO-REHAB-KABETE", "Kabete Rehabilitation School (demo)", OrgUnit.Kind.REHABILITATION_SCHOOL),
    "court": ("DEMO-COURT-MILIMANI", "Milimani Children's Court (demo)", OrgUnit.Kind.COURT),
}


def _code(list_name: str, dcs_code: str) -> Code:
    return Code.objects.select_related("code_list").get(code_list__name=list_name, code=dcs_code)


def _unit(key: str, near: OrgUnit) -> OrgUnit:
    code, name, kind = UNITS[key]
    return OrgUnit.objects.get_or_create(
        code=code,
        defaults={"name": name, "kind": kind, "area": near.area, "county": near.county, "sub_county": near.sub_county},
    )[0]


def _child_case(officer: User, office: OrgUnit, first: str, last: str, reported_on: dt.date) -> Any:
    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=office.sub_county_id).order_by("code").first()
    child = registry_actions.child_register(
        actor=officer,
        org_unit=office,
        child=registry_actions.PersonInput(first_name=first, last_name=last, sex="male", age_years=15, ward=ward),
    ).child
    return case_open(
        actor=officer,
        child=child,
        office=office,
        reported_on=reported_on,
        reporter_type=_code("case_reporter_id", "CRMO"),
        categories=[{"category": _code("case_category_id", "CSAB"), "nature": _code("case_nature_id", "OOEV")}],
        in_conflict_with_law=True,
        via="demo",
    )


def load_demo_justice() -> int:
    """Create the demo justice tracks; returns how many were made."""
    officer = User.objects.filter(username="demo.officer").first()
    office = OrgUnit.objects.filter(code=OFFICE).first()
    if officer is None or office is None or JusticeTrack.objects.filter(case__office=office).exists():
        return 0
    units = {key: _unit(key, office) for key in UNITS}
    today = timezone.localdate()

    def ago(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    def court_case(first: str, last: str, arrested: int) -> tuple[JusticeTrack, Any]:
        case = _child_case(officer, office, first, last, ago(arrested))
        track = actions.justice_track_open(
            actor=officer,
            case=case,
            ob_number=f"OB {arrested}/{today.year} (demo)",
            police_station=units["police"],
            charge="Theft (demo)",
            arrested_on=ago(arrested),
        )
        track = actions.justice_route_set(
            actor=officer, track=track, expected_version=track.version, route="court", decided_on=ago(arrested - 1)
        )
        plea = court_actions.court_session_record(
            actor=officer,
            case=case,
            session_type=_code("courtsession_type_id", "STPL"),
            held_on=ago(arrested - 1),
            court=units["court"],
            plea=_code("plea_type_id", "PLNG"),
        )
        track = actions.justice_court_record(
            actor=officer,
            track=track,
            expected_version=track.version,
            plea_session=plea,
            bail="refused",
            bail_on=plea.held_on,
        )
        actions.remand_start(
            actor=officer, track=track, institution=units["remand"], started_on=plea.held_on, court_session=plea
        )
        return track, case

    # On remand one day past the limit.
    court_case("Kamau", "Demo-Kiprono", remand_limit_days() + 2)
    # Committed to the rehabilitation school; the order expires in 21 days.
    track, case = court_case("Otieno", "Demo-Wafula", 400)
    actions.justice_report_add(
        actor=officer,
        track=track,
        kind="probation",
        submitted_on=ago(340),
        recommendation="Committal to a rehabilitation school (demo)",
    )
    session = court_actions.court_session_record(
        actor=officer,
        case=case,
        session_type=_code("courtsession_type_id", "STHR"),
        held_on=ago(330),
        court=units["court"],
    )
    order = court_actions.court_order_add(
        actor=officer,
        session=session,
        order_type=_code("court_order_id", "OLCR"),
        expires_on=today + dt.timedelta(days=21),
    )
    track.refresh_from_db()
    actions.justice_disposition_record(
        actor=officer,
        track=track,
        expected_version=track.version,
        disposition="committal_rehabilitation",
        decided_on=ago(330),
        court_order=order,
        institution=units["rehab"],
    )
    return 2

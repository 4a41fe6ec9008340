"""Demo CTiP track: a trafficked child (invented name) identified in Westlands, sheltered, traced,
repatriated and followed up.

Needs the demo users (``cpims.accounts.demo``) and the CTiP reference data. Idempotent: does
nothing when the demo child's case already has a track.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpims.accounts.models import User
from cpims.cases.actions import case_open
from cpims.core.models import Code
from cpims.ctip import actions
from cpims.ctip.models import PARTNER_CODE_PREFIX, CtipTrack
from cpims.geo.models import Area, OrgUnit
from cpims.registry import actions as registry_actions

DEMO_CHILD = ("Amani", "Demo-Okello")


def _code(list_name: str, dcs_code: str) -> Code:
    return Code.objects.select_related("code_list").get(code_list__name=list_name, code=dcs_code)


def load_demo_ctip() -> int:
    """Create the demo trafficked child's case and its CTiP track; returns how many tracks."""
    officer = User.objects.filter(username="demo.officer").first()
    office = OrgUnit.objects.filter(code="DCS-SC274").first()
    secretariat = OrgUnit.objects.filter(code=f"{PARTNER_CODE_PREFIX}SEC").first()
    agency = OrgUnit.objects.filter(code=f"{PARTNER_CODE_PREFIX}UG").first()
    if officer is None or office is None or secretariat is None:
        return 0
    if CtipTrack.objects.filter(case__child__last_name=DEMO_CHILD[1]).exists():
        return 0
    today = timezone.localdate()
    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=office.sub_county).order_by("code").first()
    child = registry_actions.child_register(
        actor=officer,
        org_unit=office,
        child=registry_actions.PersonInput(
            first_name=DEMO_CHILD[0], last_name=DEMO_CHILD[1], sex="male", age_years=13, ward=ward
        ),
    ).child
    case = case_open(
        actor=officer,
        child=child,
        office=office,
        reported_on=today - dt.timedelta(days=60),
        reporter_type=_code("case_reporter_id", "CRMO"),
        categories=[{"category": _code("case_category_id", "CSTC"), "nature": _code("case_nature_id", "OOEV")}],
        risk_level=_code("risk_level_id", "RLHG"),
        event_ward=ward,
        via="demo",
    )
    track = actions.ctip_identify(
        actor=officer,
        case=case,
        identified_on=today - dt.timedelta(days=58),
        trafficking_type=_code("ctip_trafficking_type", "TFDVT"),
        nationality=_code("ctip_country", "UG"),
        country_of_origin=_code("ctip_country", "UG"),
        purpose=_code("ctip_purpose_id", "TPLB"),
        route="Busia border point, Nairobi",
        transport=_code("ctip_transport", "TFDTV"),
        recruitment=_code("ctip_form_d10", "TFD1H"),
        means=[_code("ctip_means_id", "TMDC")],
        indicators=[_code("ctip_exploit_condition", "TFDEE")],
        screening_notes="Found working in a market; says he was promised school fees.",
    )
    actions.ctip_assistance_add(
        actor=officer, track=track, kind="shelter", given_on=today - dt.timedelta(days=58), notes="Rescue centre"
    )
    actions.ctip_assistance_add(actor=officer, track=track, kind="medical", given_on=today - dt.timedelta(days=57))
    actions.ctip_referral_add(
        actor=officer,
        track=track,
        to_unit=secretariat,
        referred_on=today - dt.timedelta(days=55),
        reason="Cross-border case: repatriation to Uganda",
    )
    actions.ctip_tracing_add(
        actor=officer,
        track=track,
        traced_on=today - dt.timedelta(days=40),
        outcome="found",
        country=_code("ctip_country", "UG"),
        assessment="suitable",
    )
    actions.ctip_return_add(
        actor=officer,
        track=track,
        kind="repatriation",
        travelled_on=today - dt.timedelta(days=30),
        country=_code("ctip_country", "UG"),
        travel_document="emergency",
        escort="Social worker, IOM",
        receiving_agency=agency,
    )
    track.refresh_from_db()
    track = actions.ctip_plan_update(
        actor=officer,
        track=track,
        expected_version=track.version,
        reintegration_plan="Back to school; family supported with a small business grant.",
        plan_agreed_on=today - dt.timedelta(days=30),
    )
    actions.ctip_followup_add(actor=officer, track=track, visited_on=today - dt.timedelta(days=5), status="settled")
    actions.ctip_prosecution_update(
        actor=officer, track=track, expected_version=track.version, police_ob_number="OB/12/03/2026"
    )
    return 1

"""Demo cases: a few synthetic children (invented names) with cases in several states.

``load_demo_cases()`` needs the demo users of ``cpims.accounts.demo.load_demo_users`` (demo.officer,
demo.coordinator, demo.partner). Idempotent: does nothing when demo.officer already has cases.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpims.accounts.models import User
from cpims.cases import actions
from cpims.cases.models import Case
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit
from cpims.registry import actions as registry_actions

# (first name, last name, sex, age, categories, state)
DEMO_CHILDREN = (
    ("Imani", "Demo-Wekesa", "female", 9, ("CSIC",), "reported"),
    ("Baraka", "Demo-Mutua", "male", 12, ("CSNG", "CSAD"), "assessment"),
    ("Neema", "Demo-Chebet", "female", 7, ("CSIC",), "plan"),
    ("Jabari", "Demo-Omondi", "male", 14, ("CTRF",), "services"),
    ("Zuri", "Demo-Njeri", "female", 10, ("CDIS",), "closed"),
)


def _code(list_name: str, dcs_code: str) -> Code:
    return Code.objects.select_related("code_list").get(code_list__name=list_name, code=dcs_code)


def load_demo_cases() -> int:
    """Create the demo cases; returns how many were created."""
    officer = User.objects.filter(username="demo.officer").first()
    coordinator = User.objects.filter(username="demo.coordinator").first()
    partner = User.objects.filter(username="demo.partner").first()
    if officer is None or coordinator is None:
        return 0
    if Case.objects.filter(created_by=officer).exists():
        return 0
    office = OrgUnit.objects.get(code="DCS-SC274")
    ngo = OrgUnit.objects.filter(code="DEMO-NGO-WESTLANDS").first()
    ward = Area.objects.filter(level=Area.Level.WARD, sub_county=office.sub_county).order_by("code").first()
    today = timezone.localdate()
    created = 0
    for i, (first, last, sex, age, categories, state) in enumerate(DEMO_CHILDREN):
        child = registry_actions.child_register(
            actor=officer,
            org_unit=office,
            child=registry_actions.PersonInput(first_name=first, last_name=last, sex=sex, age_years=age, ward=ward),
        ).child
        case = actions.case_open(
            actor=officer,
            child=child,
            office=office,
            reported_on=today - dt.timedelta(days=40 - i * 5),
            reporter_type=_code("case_reporter_id", "CRMO"),
            categories=[
                {"category": _code("case_category_id", c), "nature": _code("case_nature_id", "OOEV")}
                for c in categories
            ],
            risk_level=_code("risk_level_id", "RLMD"),
            event_ward=ward,
            via="demo",
        )
        created += 1
        order = ["reported", "assessment", "plan", "services", "closed"]
        target = order.index(state)
        if target >= 1:
            case = actions.case_assessment_start(actor=officer, case=case)
        if target >= 2:
            case = actions.case_assessment_complete(actor=officer, case=case, summary="Home visit done; needs support.")
            actions.followup_add(
                actor=officer, case=case, due_on=today + dt.timedelta(days=i - 3), purpose="Home visit"
            )
            actions.case_plan_goal_add(
                actor=officer,
                case=case,
                domain=_code("domain_id", "CS2B"),
                goal="Child safe in family care",
                responsible="SCCO",
                due_on=today + dt.timedelta(days=30),
            )
        if target >= 3:
            actions.case_plan_submit(actor=officer, case=case)
            actions.case_plan_approve(actor=coordinator, case=case)
            case.refresh_from_db()
            if ngo is not None and partner is not None:
                actions.case_access_grant(actor=officer, case=case, org_unit=ngo, reason="referral")
                actions.service_record(
                    actor=partner,
                    child=child,
                    case=case,
                    service=_code("intervention_id", "CMTN"),
                    given_on=today - dt.timedelta(days=2),
                    provider=ngo,
                    notes="Demo counselling session",
                )
        if target >= 4:
            interventions = {c.pk: _code("intervention_id", "CMTN") for c in case.categories.all()}
            actions.case_closure_propose(
                actor=officer, case=case, outcome=_code("closure_outcome_id", "COEN"), interventions=interventions
            )
            actions.case_closure_approve(actor=coordinator, case=case)
    return created

"""Cases test helpers: synthetic children (invented names) and cases in the cast's areas."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone


def code(list_name: str, dcs_code: str) -> Any:
    from cpims.core.models import Code

    return Code.objects.select_related("code_list").get(code_list__name=list_name, code=dcs_code)


def ward_in(sub_county_office: Any) -> Any:
    from cpims.geo.models import Area

    return Area.objects.filter(level=Area.Level.WARD, sub_county=sub_county_office.sub_county).order_by("code")[0]


def make_child(actor: Any, office: Any, first: str = "Zawadi", last: str = "Testchild") -> Any:
    from cpims.registry import actions

    return actions.child_register(
        actor=actor,
        org_unit=office,
        child=actions.PersonInput(first_name=first, last_name=last, sex="female", age_years=9, ward=ward_in(office)),
    ).child


def categories(*codes: str) -> list[dict[str, Any]]:
    return [
        {
            "category": code("case_category_id", c),
            "date_of_event": timezone.localdate() - dt.timedelta(days=3),
            "nature": code("case_nature_id", "OOEV"),
        }
        for c in codes
    ]


def open_case(actor: Any, office: Any, child: Any = None, **extra: Any) -> Any:
    from cpims.cases.actions import case_open

    child = child or make_child(actor, office)
    fields: dict[str, Any] = {
        "reported_on": timezone.localdate(),
        "reporter_type": code("case_reporter_id", "CRMO"),
        "categories": categories("CSIC", "CSNG"),
        "reporter_name": "Reporter Testname",
    }
    fields.update(extra)
    return case_open(actor=actor, child=child, office=office, **fields)


@pytest.fixture
def westlands_case(cast: Any) -> Any:
    return open_case(cast.nairobi_officer, cast.westlands_office)


def add_goal(case: Any, actor: Any, days: int = 30) -> Any:
    """One plan goal on ``case`` (a plan needs one before it is submitted)."""
    from cpims.cases import actions

    return actions.case_plan_goal_add(
        actor=actor,
        case=case,
        domain=code("domain_id", "CS2B"),
        goal="Safe care at home",
        responsible="SCCO",
        due_on=timezone.localdate() + dt.timedelta(days=days),
    )


def advance(case: Any, cast: Any, to: str) -> Any:
    """Walk ``case`` forward with the Nairobi cast up to status ``to``."""
    from cpims.cases import actions

    officer, coordinator = cast.nairobi_officer, cast.nairobi_coordinator
    order = ["reported", "assessment", "plan", "services", "closed"]
    while order.index(case.status) < order.index(to):
        if case.status == "reported":
            case = actions.case_assessment_start(actor=officer, case=case)
        elif case.status == "assessment":
            case = actions.case_assessment_complete(actor=officer, case=case, summary="Needs support at home.")
        elif case.status == "plan":
            add_goal(case, officer)
            actions.case_plan_submit(actor=officer, case=case)
            actions.case_plan_approve(actor=coordinator, case=case)
        elif case.status == "services":
            interventions = {c.pk: code("intervention_id", "CMTN") for c in case.categories.all()}
            actions.case_closure_propose(
                actor=officer, case=case, outcome=code("closure_outcome_id", "COEN"), interventions=interventions
            )
            actions.case_closure_approve(actor=coordinator, case=case)
        case.refresh_from_db()
    return case

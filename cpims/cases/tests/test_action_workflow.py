"""Every transition: allowed from its states with its permission, refused otherwise (nothing written)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.audit.models import AuditEvent
from cpims.cases import actions
from cpims.cases.models import Case, CaseClosure, CaseEvent, CasePlan
from cpims.cases.tests.conftest import add_goal, advance, code
from cpims.cases.workflow import TransitionRefused


def _counts(case: Any) -> tuple[int, int, int]:
    case.refresh_from_db()
    return (
        case.version,
        CaseEvent.objects.filter(case=case).count(),
        AuditEvent.objects.filter(object_id=str(case.public_id)).count(),
    )


def _interventions(case: Any) -> dict[int, Any]:
    return {c.pk: code("intervention_id", "CMTN") for c in case.categories.all()}


def test_full_journey_each_step_one_event_and_audit(cast: Any, westlands_case: Any) -> None:
    case = westlands_case
    officer, coordinator = cast.nairobi_officer, cast.nairobi_coordinator
    before = _counts(case)
    case = actions.case_assessment_start(actor=officer, case=case, expected_version=case.version)
    assert case.status == Case.Status.ASSESSMENT
    after = _counts(case)
    assert after == (before[0] + 1, before[1] + 1, before[2] + 1)
    case = actions.case_assessment_complete(actor=officer, case=case, summary="Found neglect at home.")
    assert case.status == Case.Status.PLAN and case.plan.status == CasePlan.Status.DRAFT
    add_goal(case, officer, days=10)
    actions.case_plan_submit(actor=officer, case=case)
    actions.case_plan_approve(actor=coordinator, case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.SERVICES
    actions.case_closure_propose(
        actor=officer, case=case, outcome=code("closure_outcome_id", "COEN"), interventions=_interventions(case)
    )
    case = actions.case_closure_approve(actor=coordinator, case=case)
    assert case.status == Case.Status.CLOSED and case.closure_outcome.code == "COEN"
    assert all(c.intervention.code == "CMTN" for c in case.categories.all())
    case = actions.case_reopen(actor=officer, case=case, reason="New report of neglect")
    assert case.status == Case.Status.ASSESSMENT and case.closed_on is None
    kinds = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "open",
        "start_assessment",
        "complete_assessment",
        "plan_goal_add",
        "submit_plan",
        "approve_plan",
        "propose_closure",
        "approve_closure",
        "reopen",
    ]


REFUSED_BY_STATE = [
    # (status the case is in, action call)
    ("assessment", lambda a, c, cast: a.case_assessment_start(actor=cast.nairobi_officer, case=c)),
    ("reported", lambda a, c, cast: a.case_assessment_complete(actor=cast.nairobi_officer, case=c, summary="x")),
    ("assessment", lambda a, c, cast: a.case_plan_submit(actor=cast.nairobi_officer, case=c)),
    ("services", lambda a, c, cast: a.case_plan_approve(actor=cast.nairobi_coordinator, case=c)),
    ("services", lambda a, c, cast: a.case_plan_return(actor=cast.nairobi_coordinator, case=c, reason="x")),
    ("reported", lambda a, c, cast: add_goal(c, cast.nairobi_officer, days=10)),
    (
        "reported",
        lambda a, c, cast: a.case_closure_propose(
            actor=cast.nairobi_officer, case=c, outcome=code("closure_outcome_id", "COEN"), interventions={}
        ),
    ),
    ("services", lambda a, c, cast: a.case_closure_approve(actor=cast.nairobi_coordinator, case=c)),
    ("services", lambda a, c, cast: a.case_closure_reject(actor=cast.nairobi_coordinator, case=c, reason="x")),
    ("services", lambda a, c, cast: a.case_reopen(actor=cast.nairobi_officer, case=c, reason="x")),
    ("closed", lambda a, c, cast: a.case_update(actor=cast.nairobi_officer, case=c, expected_version=None, notes="x")),
]


@pytest.mark.parametrize(("status", "call"), REFUSED_BY_STATE, ids=[str(i) for i in range(len(REFUSED_BY_STATE))])
def test_refused_by_state_writes_nothing(cast: Any, westlands_case: Any, status: str, call: Any) -> None:
    case = advance(westlands_case, cast, status)
    before = _counts(case)
    with pytest.raises(TransitionRefused) as exc:
        call(actions, case, cast)
    assert str(exc.value.messages[0])
    assert _counts(case) == before


def test_refused_without_permission(cast: Any, westlands_case: Any) -> None:
    """The officer holds no approval permissions; national M&E only reads."""
    case = advance(westlands_case, cast, "plan")
    add_goal(case, cast.nairobi_officer, days=10)
    actions.case_plan_submit(actor=cast.nairobi_officer, case=case)
    before = _counts(case)
    with pytest.raises(PermissionDenied):
        actions.case_plan_approve(actor=cast.nairobi_officer, case=case)
    with pytest.raises(PermissionDenied):
        actions.case_plan_approve(actor=cast.national_me, case=case)
    with pytest.raises(PermissionDenied):
        actions.case_plan_approve(actor=cast.turkana_coordinator, case=case)
    assert _counts(case) == before


def test_submitter_cannot_approve_own_plan(cast: Any, westlands_case: Any) -> None:
    case = advance(westlands_case, cast, "plan")
    add_goal(case, cast.nairobi_coordinator, days=10)
    actions.case_plan_submit(actor=cast.nairobi_coordinator, case=case)
    before = _counts(case)
    with pytest.raises(TransitionRefused, match="another supervisor"):
        actions.case_plan_approve(actor=cast.nairobi_coordinator, case=case)
    assert _counts(case) == before


def test_plan_without_goals_cannot_be_submitted(cast: Any, westlands_case: Any) -> None:
    case = advance(westlands_case, cast, "plan")
    with pytest.raises(TransitionRefused):
        actions.case_plan_submit(actor=cast.nairobi_officer, case=case)


def test_plan_return_and_resubmit(cast: Any, westlands_case: Any) -> None:
    case = advance(westlands_case, cast, "plan")
    add_goal(case, cast.nairobi_officer, days=10)
    actions.case_plan_submit(actor=cast.nairobi_officer, case=case)
    with pytest.raises(ValidationError):
        actions.case_plan_return(actor=cast.nairobi_coordinator, case=case, reason=" ")
    plan = actions.case_plan_return(actor=cast.nairobi_coordinator, case=case, reason="Add a school goal")
    assert plan.status == CasePlan.Status.DRAFT and plan.returned_reason
    actions.case_plan_submit(actor=cast.nairobi_officer, case=case)


def test_closure_rules(cast: Any, westlands_case: Any) -> None:
    case = advance(westlands_case, cast, "services")
    officer, coordinator = cast.nairobi_officer, cast.nairobi_coordinator
    # Every category needs its intervention.
    with pytest.raises(ValidationError):
        actions.case_closure_propose(
            actor=officer, case=case, outcome=code("closure_outcome_id", "COEN"), interventions={}
        )
    # The officer lacks case.approve_closure; the proposer cannot approve their own proposal.
    actions.case_closure_propose(
        actor=coordinator, case=case, outcome=code("closure_outcome_id", "COEN"), interventions=_interventions(case)
    )
    with pytest.raises(TransitionRefused):
        actions.case_closure_propose(
            actor=officer, case=case, outcome=code("closure_outcome_id", "COEN"), interventions=_interventions(case)
        )
    with pytest.raises(PermissionDenied):
        actions.case_closure_approve(actor=officer, case=case)
    with pytest.raises(TransitionRefused, match="another supervisor"):
        actions.case_closure_approve(actor=coordinator, case=case)
    # A partner has no case.close.
    with pytest.raises(PermissionDenied):
        actions.case_closure_reject(actor=cast.partner, case=case, reason="x")
    closure = actions.case_closure_reject(actor=cast.nairobi_coordinator, case=case, reason="Not yet")
    assert closure.decision == CaseClosure.Decision.REJECTED
    case.refresh_from_db()
    assert case.status == Case.Status.SERVICES


def test_reopen_needs_reason(cast: Any, westlands_case: Any) -> None:
    case = advance(westlands_case, cast, "closed")
    before = _counts(case)
    with pytest.raises(ValidationError):
        actions.case_reopen(actor=cast.nairobi_officer, case=case, reason="")
    with pytest.raises(PermissionDenied):
        actions.case_reopen(actor=cast.turkana_officer, case=case, reason="x")
    assert _counts(case) == before

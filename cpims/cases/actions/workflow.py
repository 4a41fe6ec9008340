"""The case's way through the state machine (``cpims.cases.workflow``): assessment, the case plan
and its approval, closure and its approval, reopening."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts.models import User
from cpims.cases import workflow
from cpims.cases.actions._helpers import _lock, _record, _require
from cpims.cases.actions.access import WHY_CASE_CLOSED, case_access_expire_after
from cpims.cases.actions.followups import CASE_CLOSED, end_pending_followups
from cpims.cases.messages import code_param
from cpims.cases.models import Case, CaseClosure, CasePlan, CasePlanGoal
from cpims.core.models import Code
from cpims.core.validation import Errors, in_list, raise_errors
from cpims.geo.models import OrgUnit


def _transition(
    *,
    actor: User,
    case: Case,
    name: str,
    expected_version: int | None,
) -> tuple[Case, workflow.Transition]:
    locked = _lock(case, expected_version)
    transition = workflow.check(actor, locked, name)
    return locked, transition


def case_assessment_start(
    *, actor: User, case: Case, expected_version: int | None = None, request: HttpRequest | None = None
) -> Case:
    with transaction.atomic(durable=True):
        case, t = _transition(actor=actor, case=case, name="start_assessment", expected_version=expected_version)
        case.status = t.target
        _record(case=case, actor=actor, kind="start_assessment", message="assessment.started", request=request)
    return case


def case_assessment_complete(
    *,
    actor: User,
    case: Case,
    summary: str,
    assessed_on: dt.date | None = None,
    risk_level: Code | None = None,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Record the assessment; the case moves on to its case plan (a draft plan is created)."""
    today = timezone.localdate()
    errors: Errors = {}
    if not (summary or "").strip():
        errors["summary"] = [_("Write what the assessment found.")]
    if assessed_on is not None and assessed_on > today:
        errors["assessed_on"] = [_("The assessment date cannot be in the future.")]
    if risk_level is not None and not in_list(risk_level, "risk_level_id"):
        errors["risk_level"] = [_("Choose a value from the DCS list.")]
    raise_errors(errors)
    with transaction.atomic(durable=True):
        case, t = _transition(actor=actor, case=case, name="complete_assessment", expected_version=expected_version)
        case.status = t.target
        case.assessment_summary = summary.strip()
        case.assessed_on = assessed_on or today
        case.assessed_by = actor
        if risk_level is not None:
            case.risk_level = risk_level
        CasePlan.objects.get_or_create(case=case)
        _record(
            case=case,
            actor=actor,
            kind="complete_assessment",
            message="assessment.recorded",
            details={"risk_level": risk_level.code if risk_level else None},
            request=request,
        )
    return case


def case_plan_goal_add(
    *,
    actor: User,
    case: Case,
    domain: Code,
    goal: str,
    responsible: str,
    due_on: dt.date,
    actions: str = "",
    responsible_unit: OrgUnit | None = None,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> CasePlanGoal:
    """Add a goal to the case's draft plan (a submitted or approved plan is not changed)."""
    errors: Errors = {}
    if not in_list(domain, "domain_id"):
        errors["domain"] = [_("Choose a domain from the DCS list.")]
    if not (goal or "").strip():
        errors["goal"] = [_("Write the goal.")]
    if not (responsible or "").strip():
        errors["responsible"] = [_("Say who is responsible.")]
    if due_on is None:
        errors["due_on"] = [_("Enter the due date.")]
    raise_errors(errors)
    with transaction.atomic(durable=True):
        case = _lock(case, expected_version)
        _require(actor, P.CASE_UPDATE, case)
        if case.status != Case.Status.PLAN:
            raise workflow.TransitionRefused(
                _("Goals can be added while the case is at its case plan stage."), code="state"
            )
        plan, _created = CasePlan.objects.select_for_update().get_or_create(case=case)
        if plan.status != CasePlan.Status.DRAFT:
            raise workflow.TransitionRefused(
                _("The plan has been submitted; it can be changed only after it is returned."), code="state"
            )
        item = CasePlanGoal.objects.create(
            plan=plan,
            domain=domain,
            goal=goal.strip()[:255],
            actions=actions.strip(),
            responsible=responsible.strip()[:200],
            responsible_unit=responsible_unit,
            due_on=due_on,
        )
        _record(
            case=case,
            actor=actor,
            kind="plan_goal_add",
            message="plan.goal_added",
            params={"domain": code_param(domain)},
            details={"domain": domain.code, "due_on": due_on.isoformat()},
            request=request,
        )
    return item


def case_plan_submit(
    *, actor: User, case: Case, expected_version: int | None = None, request: HttpRequest | None = None
) -> CasePlan:
    with transaction.atomic(durable=True):
        case, _t = _transition(actor=actor, case=case, name="submit_plan", expected_version=expected_version)
        plan = _locked_plan(case)
        workflow.guard(actor, "submit_plan", _situation(plan, None))
        assert plan is not None  # the guard refuses a missing plan
        plan.status = CasePlan.Status.SUBMITTED
        plan.submitted_by = actor
        plan.submitted_at = timezone.now()
        plan.returned_reason = ""
        plan.save()
        _record(case=case, actor=actor, kind="submit_plan", message="plan.submitted", request=request)
    return plan


def case_plan_approve(
    *, actor: User, case: Case, expected_version: int | None = None, request: HttpRequest | None = None
) -> CasePlan:
    with transaction.atomic(durable=True):
        case, t = _transition(actor=actor, case=case, name="approve_plan", expected_version=expected_version)
        plan = _locked_plan(case)
        workflow.guard(actor, "approve_plan", _situation(plan, None))
        assert plan is not None
        plan.status = CasePlan.Status.APPROVED
        plan.approved_by = actor
        plan.approved_at = timezone.now()
        plan.save()
        case.status = t.target
        _record(case=case, actor=actor, kind="approve_plan", message="plan.approved", request=request)
    return plan


def case_plan_return(
    *, actor: User, case: Case, reason: str, expected_version: int | None = None, request: HttpRequest | None = None
) -> CasePlan:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the plan is returned.")]})
    with transaction.atomic(durable=True):
        case, _t = _transition(actor=actor, case=case, name="return_plan", expected_version=expected_version)
        plan = _locked_plan(case)
        workflow.guard(actor, "return_plan", _situation(plan, None))
        assert plan is not None
        plan.status = CasePlan.Status.DRAFT
        plan.returned_reason = reason.strip()
        plan.save()
        _record(case=case, actor=actor, kind="return_plan", message="plan.returned", request=request)
    return plan


def case_closure_propose(
    *,
    actor: User,
    case: Case,
    outcome: Code,
    interventions: dict[int, Code],
    notes: str = "",
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> CaseClosure:
    """Propose closing the case with ``outcome`` and the intervention given for each category
    (``interventions``: CaseCategory pk -> intervention_id Code, one for every category)."""
    errors: Errors = {}
    if not in_list(outcome, "closure_outcome_id"):
        errors["outcome"] = [_("Choose the closure outcome from the DCS list.")]
    if not all(in_list(code, "intervention_id") for code in interventions.values()):
        errors["interventions"] = [_("Choose each intervention from the DCS list.")]
    raise_errors(errors)
    with transaction.atomic(durable=True):
        case, _t = _transition(actor=actor, case=case, name="propose_closure", expected_version=expected_version)
        pending = CaseClosure.objects.filter(case=case, decision=CaseClosure.Decision.PENDING).first()
        workflow.guard(actor, "propose_closure", _situation(None, pending))
        category_ids = set(case.categories.values_list("pk", flat=True))
        if set(interventions) != category_ids:
            raise ValidationError({"interventions": [_("Give the intervention for every category of the case.")]})
        closure = CaseClosure.objects.create(
            case=case,
            outcome=outcome,
            notes=(notes or "").strip(),
            interventions={str(k): v.pk for k, v in interventions.items()},
            proposed_by=actor,
        )
        _record(
            case=case,
            actor=actor,
            kind="propose_closure",
            message="closure.proposed",
            params={"outcome": code_param(outcome)},
            details={"outcome": outcome.code, "interventions": sorted(c.code for c in interventions.values())},
            request=request,
        )
    return closure


def _locked_plan(case: Case) -> CasePlan | None:
    return CasePlan.objects.select_for_update().filter(case=case).first()


def _situation(plan: CasePlan | None, closure: CaseClosure | None) -> workflow.Situation:
    goals = plan.goals.count() if plan is not None else 0
    return workflow.Situation.of(plan, goals, closure)


def _pending_closure(actor: User, case: Case, name: str) -> CaseClosure:
    """The pending closure, locked, once ``workflow.guard`` allows ``name`` on it."""
    closure = CaseClosure.objects.select_for_update().filter(case=case, decision=CaseClosure.Decision.PENDING).first()
    workflow.guard(actor, name, _situation(None, closure))
    assert closure is not None  # the guard refuses a missing closure
    return closure


def case_closure_approve(
    *, actor: User, case: Case, expected_version: int | None = None, request: HttpRequest | None = None
) -> Case:
    with transaction.atomic(durable=True):
        case, t = _transition(actor=actor, case=case, name="approve_closure", expected_version=expected_version)
        closure = _pending_closure(actor, case, "approve_closure")
        closure.decision = CaseClosure.Decision.APPROVED
        closure.decided_by = actor
        closure.decided_at = timezone.now()
        closure.save()
        for row in case.categories.all():
            row.intervention_id = closure.interventions.get(str(row.pk))
            row.save(update_fields=["intervention"])
        case.status = t.target
        case.closure_outcome_id = closure.outcome_id
        case.closed_on = timezone.localdate()
        ended = end_pending_followups(case=case, on=case.closed_on, reason=CASE_CLOSED)
        _record(
            case=case,
            actor=actor,
            kind="approve_closure",
            message="case.closed",
            details={"followups_ended": ended} if ended else None,
            request=request,
        )
        # Partners keep access for the grace period, then lose it (Data Protection Act 2019).
        case_access_expire_after(actor=actor, case=case, why=WHY_CASE_CLOSED, request=request)
    return case


def case_closure_reject(
    *, actor: User, case: Case, reason: str, expected_version: int | None = None, request: HttpRequest | None = None
) -> CaseClosure:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the closure is rejected.")]})
    with transaction.atomic(durable=True):
        case, _t = _transition(actor=actor, case=case, name="reject_closure", expected_version=expected_version)
        closure = _pending_closure(actor, case, "reject_closure")
        closure.decision = CaseClosure.Decision.REJECTED
        closure.decided_by = actor
        closure.decided_at = timezone.now()
        closure.decision_reason = reason.strip()
        closure.save()
        _record(case=case, actor=actor, kind="reject_closure", message="closure.rejected", request=request)
    return closure


def case_reopen(
    *, actor: User, case: Case, reason: str, expected_version: int | None = None, request: HttpRequest | None = None
) -> Case:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the case is reopened.")]})
    with transaction.atomic(durable=True):
        case, t = _transition(actor=actor, case=case, name="reopen", expected_version=expected_version)
        case.status = t.target
        case.closed_on = None
        case.closure_outcome = None
        CasePlan.objects.filter(case=case).update(status=CasePlan.Status.DRAFT, approved_by=None, approved_at=None)
        _record(
            case=case,
            actor=actor,
            kind="reopen",
            message="case.reopened",
            params={"reason": reason.strip()[:150]},
            request=request,
        )
    return case

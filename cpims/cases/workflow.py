"""The case state machine: which transition may happen from which state, with which permission.

reported → assessment → plan → services → closed, and closed → assessment (reopen). Plan
submission/approval and closure proposal/approval are transitions too; the ones that do not move
the case to another state have ``target=None``. Guards beyond state and permission (a plan with
goals, a different approver, a pending closure, …) live here too (``guard``), so the buttons on the
case page (``allowed``) and the actions in ``cpims.cases.actions`` (``check`` + ``guard``) cannot
disagree about what is possible.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import Case, CaseClosure, CasePlan

S = Case.Status
OPEN_STATES = frozenset({S.ASSESSMENT, S.PLAN, S.SERVICES})


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise | str
    sources: frozenset[str]
    target: str | None
    perm: str
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "start_assessment", gettext_lazy("Start assessment"), frozenset({S.REPORTED}), S.ASSESSMENT, P.CASE_UPDATE
        ),
        Transition(
            "complete_assessment", gettext_lazy("Record assessment"), frozenset({S.ASSESSMENT}), S.PLAN, P.CASE_UPDATE
        ),
        Transition("submit_plan", gettext_lazy("Submit plan for approval"), frozenset({S.PLAN}), None, P.CASE_UPDATE),
        Transition("approve_plan", gettext_lazy("Approve plan"), frozenset({S.PLAN}), S.SERVICES, P.CASE_APPROVE_PLAN),
        Transition(
            "return_plan",
            gettext_lazy("Return plan"),
            frozenset({S.PLAN}),
            None,
            P.CASE_APPROVE_PLAN,
            needs_reason=True,
        ),
        Transition("propose_closure", gettext_lazy("Propose closure"), OPEN_STATES, None, P.CASE_CLOSE),
        Transition("approve_closure", gettext_lazy("Approve closure"), OPEN_STATES, S.CLOSED, P.CASE_APPROVE_CLOSURE),
        Transition(
            "reject_closure",
            gettext_lazy("Reject closure"),
            OPEN_STATES,
            None,
            P.CASE_APPROVE_CLOSURE,
            needs_reason=True,
        ),
        Transition(
            "reopen", gettext_lazy("Reopen case"), frozenset({S.CLOSED}), S.ASSESSMENT, P.CASE_UPDATE, needs_reason=True
        ),
    )
}


class TransitionRefused(ValidationError):
    """A transition not allowed from the case's state; nothing was written."""


@dataclass(frozen=True)
class Situation:
    """What, besides its state, decides which steps a case may take now: its plan and closure."""

    plan_status: str | None = None
    plan_goals: int = 0
    plan_submitted_by_id: int | None = None
    closure_pending: bool = False
    closure_proposed_by_id: int | None = None

    @classmethod
    def of(cls, plan: CasePlan | None, goals: int, closure: CaseClosure | None) -> Situation:
        return cls(
            plan_status=plan.status if plan else None,
            plan_goals=goals,
            plan_submitted_by_id=plan.submitted_by_id if plan else None,
            closure_pending=closure is not None,
            closure_proposed_by_id=closure.proposed_by_id if closure else None,
        )


def situation(case: Case) -> Situation:
    """The case's plan and pending closure as ``guard`` needs them (two queries)."""
    plan = CasePlan.objects.filter(case=case).annotate(n_goals=Count("goals")).first()
    closure = CaseClosure.objects.filter(case=case, decision=CaseClosure.Decision.PENDING).first()
    return Situation.of(plan, getattr(plan, "n_goals", 0), closure)


def next_states(status: str) -> list[str]:
    """The states a case in ``status`` can move to, in the order of the workflow."""
    targets = {t.target for t in TRANSITIONS.values() if status in t.sources and t.target}
    return [s for s in S.values if s in targets]


def refused_message(status: str) -> str:
    """ "A case in “plan” can go to: in service, closed." (translated)."""
    names = ", ".join(str(S(s).label).lower() for s in next_states(status))
    return _("A case in “%(status)s” can go to: %(states)s.") % {"status": S(status).label, "states": names}


def refusal(actor: User, name: str, sit: Situation) -> TransitionRefused | None:
    """Why ``name`` cannot happen now given the plan and closure (None: nothing in the way)."""
    own = getattr(actor, "pk", None)
    submitted = sit.plan_status == CasePlan.Status.SUBMITTED
    if name == "submit_plan":
        if sit.plan_status != CasePlan.Status.DRAFT:
            return TransitionRefused(_("There is no draft plan to submit."), code="state")
        if not sit.plan_goals:
            return TransitionRefused(_("Add at least one goal before submitting the plan."), code="empty")
    elif name in ("approve_plan", "return_plan"):
        if not submitted:
            return TransitionRefused(_("The plan has not been submitted for approval."), code="state")
        if name == "approve_plan" and sit.plan_submitted_by_id == own:
            return TransitionRefused(_("You submitted this plan; another supervisor must approve it."), code="own")
    elif name == "propose_closure":
        if sit.closure_pending:
            return TransitionRefused(_("A closure is already awaiting approval."), code="pending")
    elif name in ("approve_closure", "reject_closure"):
        if not sit.closure_pending:
            return TransitionRefused(_("No closure is awaiting approval."), code="state")
        if name == "approve_closure" and sit.closure_proposed_by_id == own:
            return TransitionRefused(_("You proposed this closure; another supervisor must approve it."), code="own")
    return None


def guard(actor: User, name: str, sit: Situation) -> None:
    """Raise the refusal of ``name`` given the plan and closure, if any."""
    if (refused := refusal(actor, name, sit)) is not None:
        raise refused


def check(actor: User, case: Case, name: str) -> Transition:
    """The transition, if ``case`` may take it now and ``actor`` holds its permission over the case.

    Raises TransitionRefused (state, naming the states the case can go to) or PermissionDenied."""
    transition = TRANSITIONS[name]
    if case.status not in transition.sources:
        raise TransitionRefused(
            _("“%(action)s” is not possible while the case is “%(status)s”.")
            % {"action": transition.label, "status": Case.Status(case.status).label}
            + " "
            + refused_message(case.status),
            code="state",
        )
    if not scope.can(actor, transition.perm, case):
        raise PermissionDenied(_("You may not do “%(action)s” on this case.") % {"action": transition.label})
    return transition


def allowed(
    actor: User, case: Case, sit: Situation | None = None, perms: dict[str, bool] | None = None
) -> list[Transition]:
    """The steps the case may take now by this actor: state, permission and ``refusal`` all agree
    (the case page's buttons). ``perms``: the actor's permissions over the case, if known."""
    sit = situation(case) if sit is None else sit
    perms = dict(perms or {})
    out = []
    for transition in TRANSITIONS.values():
        if case.status not in transition.sources:
            continue
        if transition.perm not in perms:
            perms[transition.perm] = scope.can(actor, transition.perm, case)
        if perms[transition.perm] and refusal(actor, transition.name, sit) is None:
            out.append(transition)
    return out

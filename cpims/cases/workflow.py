"""The case state machine: which transition may happen from which state, with which permission.

reported → assessment → plan → services → closed, and closed → assessment (reopen). Plan
submission/approval and closure proposal/approval are transitions too; the ones that do not move
the case to another state have ``target=None``. Guards beyond state and permission (a plan with
goals, a different approver, …) are checked by the actions in ``cpims.cases.actions``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.cases.models import Case

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


def check(actor: User, case: Case, name: str) -> Transition:
    """The transition, if ``case`` may take it now and ``actor`` holds its permission over the case.

    Raises TransitionRefused (state) or PermissionDenied (permission)."""
    transition = TRANSITIONS[name]
    if case.status not in transition.sources:
        raise TransitionRefused(
            _("“%(action)s” is not possible while the case is “%(status)s”.")
            % {"action": transition.label, "status": Case.Status(case.status).label},
            code="state",
        )
    if not scope.can(actor, transition.perm, case):
        raise PermissionDenied(_("You may not do “%(action)s” on this case.") % {"action": transition.label})
    return transition


def allowed(actor: User, case: Case) -> list[Transition]:
    """The transitions the case's state allows and the actor's permissions allow (for buttons).

    Uses the actor's permissions over the case as ``perms`` (one query per distinct permission)."""
    out = []
    perms: dict[str, bool] = {}
    for transition in TRANSITIONS.values():
        if case.status not in transition.sources:
            continue
        if transition.perm not in perms:
            perms[transition.perm] = scope.can(actor, transition.perm, case)
        if perms[transition.perm]:
            out.append(transition)
    return out

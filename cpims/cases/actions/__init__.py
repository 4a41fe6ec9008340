"""Every write to cases. Keyword-only, typed, validated before anything is written; each action is
one transaction with exactly one audit event and one CaseEvent (timeline row).

Problems raise ``ValidationError`` (translatable messages, keyed by field where a field is at
fault), ``TransitionRefused`` (a ValidationError: the state does not allow it), ``StaleEdit`` (a
ValidationError: someone changed the case since the editor read it) or ``PermissionDenied``; in
every case nothing is written. Callers fetch the objects they pass in through the scope rules
(``cpims.cases.queries``); the actions check the permission again over the locked row.

The actions live in modules by subject (``record``, ``access``, ``workflow``, ``followups``,
``services``); callers import them from here.
"""

from cpims.cases.actions._helpers import StaleEdit
from cpims.cases.actions.access import (
    case_access_end_expired,
    case_access_end_for_consent,
    case_access_expire_after,
    case_access_grant,
    case_access_revoke,
    case_office_change,
    partner_grace_end,
)
from cpims.cases.actions.emergency import emergency_access_open
from cpims.cases.actions.followups import followup_add, followup_complete
from cpims.cases.actions.record import case_event_add, case_open, case_update
from cpims.cases.actions.services import service_record, service_units
from cpims.cases.actions.workflow import (
    case_assessment_complete,
    case_assessment_start,
    case_closure_approve,
    case_closure_propose,
    case_closure_reject,
    case_plan_approve,
    case_plan_goal_add,
    case_plan_return,
    case_plan_submit,
    case_reopen,
)

__all__ = [
    "StaleEdit",
    "case_access_end_expired",
    "case_access_end_for_consent",
    "case_access_expire_after",
    "case_access_grant",
    "case_access_revoke",
    "case_assessment_complete",
    "case_assessment_start",
    "case_closure_approve",
    "case_closure_propose",
    "case_closure_reject",
    "case_event_add",
    "case_office_change",
    "case_open",
    "case_plan_approve",
    "case_plan_goal_add",
    "case_plan_return",
    "case_plan_submit",
    "case_reopen",
    "case_update",
    "emergency_access_open",
    "followup_add",
    "followup_complete",
    "partner_grace_end",
    "service_record",
    "service_units",
]

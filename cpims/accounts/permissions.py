"""Permission actions as code constants. Roles (data) are sets of these strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ORGUNIT_VIEW = "orgunit.view"
ORGUNIT_MANAGE = "orgunit.manage"
USER_VIEW = "user.view"
USER_MANAGE = "user.manage"
USER_GRANT_ANY_ROLE = "user.grant_any_role"
AUDIT_VIEW = "audit.view"
API_TOKEN_MANAGE = "api.token_manage"  # noqa: S105 - a permission name, not a secret

CHILD_VIEW = "child.view"
CHILD_CREATE = "child.create"
CHILD_UPDATE = "child.update"
CHILD_MERGE = "child.merge"
CHILD_ACCESS_LOG = "child.access_log"
CASE_VIEW = "case.view"
CASE_CREATE = "case.create"
CASE_UPDATE = "case.update"
CASE_CLOSE = "case.close"
CASE_APPROVE_PLAN = "case.approve_plan"
CASE_APPROVE_CLOSURE = "case.approve_closure"
CASE_VIEW_SENSITIVE = "case.view_sensitive"
CASE_TRANSFER = "case.transfer"
CASE_REFER = "case.refer"
CONSENT_OVERRIDE = "consent.override"
CASE_EMERGENCY_ACCESS = "case.emergency_access"
INTAKE_TRIAGE = "intake.triage"
INTAKE_SUBMIT = "intake.submit"
SERVICE_RECORD = "service.record"
REFERRAL_RECEIVE = "referral.receive"
PLACEMENT_VIEW = "placement.view"
PLACEMENT_MANAGE = "placement.manage"
RETURN_SUBMIT = "return.submit"
RETURN_APPROVE = "return.approve"
REPORT_VIEW = "report.view"
REPORT_VIEW_AGGREGATE = "report.view_aggregate"
REPORT_EXPORT = "report.export_xlsx"
DHIS2_PUSH = "dhis2.push"
PRIVACY_REQUESTS = "privacy.requests"
PRIVACY_BREACHES = "privacy.breaches"
RETENTION_MANAGE = "retention.manage"
DATA_IMPORT = "data.import"
TASK_MANAGE = "task.manage"

ALL: dict[str, StrOrPromise] = {
    ORGUNIT_VIEW: _("See organisation units"),
    ORGUNIT_MANAGE: _("Create and edit organisation units"),
    USER_VIEW: _("See user accounts"),
    USER_MANAGE: _("Create, assign and deactivate user accounts"),
    USER_GRANT_ANY_ROLE: _("Grant any role, even one with permissions not held oneself"),
    AUDIT_VIEW: _("Read the audit log"),
    API_TOKEN_MANAGE: _("Issue and revoke API tokens"),
    CHILD_VIEW: _("See identified child records"),
    CHILD_CREATE: _("Register children and caregivers"),
    CHILD_UPDATE: _("Edit child records"),
    CHILD_MERGE: _("Merge duplicate child records"),
    CHILD_ACCESS_LOG: _("See who opened or changed a child's record (in scope)"),
    CASE_VIEW: _("See cases"),
    CASE_CREATE: _("Open cases"),
    CASE_UPDATE: _("Work on cases"),
    CASE_CLOSE: _("Propose case closure"),
    CASE_APPROVE_PLAN: _("Approve case plans"),
    CASE_APPROVE_CLOSURE: _("Approve case closure"),
    CASE_VIEW_SENSITIVE: _("See sensitive case sections"),
    CASE_TRANSFER: _("Transfer and accept cases"),
    CASE_REFER: _("Refer cases"),
    CONSENT_OVERRIDE: _("Refer without recorded consent"),
    CASE_EMERGENCY_ACCESS: _("Open a case outside one's scope in an emergency, with a reason (time-boxed)"),
    INTAKE_TRIAGE: _("Triage reported concerns"),
    INTAKE_SUBMIT: _("Submit concerns from a partner system (helpline 116)"),
    SERVICE_RECORD: _("Record services given to a child"),
    REFERRAL_RECEIVE: _("Receive and answer referrals"),
    PLACEMENT_VIEW: _("See placements"),
    PLACEMENT_MANAGE: _("Admit, transfer and discharge children in care"),
    RETURN_SUBMIT: _("Prepare and submit monthly returns"),
    RETURN_APPROVE: _("Approve or return monthly returns"),
    REPORT_VIEW: _("See reports with drill-down to records"),
    REPORT_VIEW_AGGREGATE: _("See aggregate reports"),
    REPORT_EXPORT: _("Export reports and lists"),
    DHIS2_PUSH: _("Push aggregate data to DHIS2"),
    PRIVACY_REQUESTS: _("Handle data subjects' access and correction requests"),
    PRIVACY_BREACHES: _("Keep the register of personal data breaches"),
    RETENTION_MANAGE: _("Manage the retention schedule, legal holds and retention runs"),
    DATA_IMPORT: _("Import records in bulk from Excel or CSV files (within one's other permissions and scope)"),
    TASK_MANAGE: _("See the background task queue and retry failed tasks"),
}

# Permissions that never reveal an identified child; a role holding only these needs no 2FA.
AGGREGATE_ONLY = frozenset({ORGUNIT_VIEW, REPORT_VIEW_AGGREGATE})


def unknown(perms: list[str] | set[str] | frozenset[str]) -> set[str]:
    return set(perms) - set(ALL)

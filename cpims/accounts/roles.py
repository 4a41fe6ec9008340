"""The roles DCS starts with. Roles are data: administrators may adjust them afterwards, so
seeding creates missing roles and never overwrites an existing one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_noop

from cpims.accounts import permissions as P
from cpims.accounts.models import Role

SYSTEM_ADMIN = "system_admin"
NATIONAL_ME = "national_me"
COUNTY_COORDINATOR = "county_coordinator"
SUBCOUNTY_OFFICER = "subcounty_officer"
VOLUNTEER_OFFICER = "volunteer_officer"
PARTNER_CASEWORKER = "partner_caseworker"
INSTITUTION_MANAGER = "institution_manager"
STAKEHOLDER_VIEWER = "stakeholder_viewer"
INTAKE_SYSTEM = "intake_system"
DATA_PROTECTION_OFFICER = "data_protection_officer"

_CASEWORK = [
    P.ORGUNIT_VIEW,
    P.CHILD_VIEW,
    P.CHILD_CREATE,
    P.CHILD_UPDATE,
    P.CASE_VIEW,
    P.CASE_CREATE,
    P.CASE_UPDATE,
    P.SERVICE_RECORD,
]


@dataclass(frozen=True)
class RoleDef:
    code: str
    name: str  # English, as stored; marked for the catalogue so pages show it translated
    scope: str
    permissions: tuple[str, ...]
    description: str = ""


DEFAULT_ROLES: tuple[RoleDef, ...] = (
    RoleDef(
        SYSTEM_ADMIN,
        gettext_noop("System administrator"),
        Role.Scope.NATIONAL,
        (
            P.ORGUNIT_VIEW,
            P.ORGUNIT_MANAGE,
            P.USER_VIEW,
            P.USER_MANAGE,
            P.USER_GRANT_ANY_ROLE,
            P.AUDIT_VIEW,
            P.API_TOKEN_MANAGE,
            P.RETENTION_MANAGE,
            # The national data manager: bulk imports of org units and accounts (cpims/imports).
            P.DATA_IMPORT,
            P.TASK_MANAGE,
        ),
        "DCS ICT: users, roles, organisation units and code lists. Sees no child records.",
    ),
    RoleDef(
        NATIONAL_ME,
        gettext_noop("National M&E officer"),
        Role.Scope.NATIONAL,
        (
            P.ORGUNIT_VIEW,
            P.CHILD_VIEW,
            P.CASE_VIEW,
            P.PLACEMENT_VIEW,
            P.REPORT_VIEW,
            P.REPORT_VIEW_AGGREGATE,
            P.REPORT_EXPORT,
            P.RETURN_APPROVE,
            P.DHIS2_PUSH,
            P.AUDIT_VIEW,
            P.CHILD_ACCESS_LOG,
        ),
        "National dashboards, report packs, DHIS2 and data quality.",
    ),
    RoleDef(
        COUNTY_COORDINATOR,
        gettext_noop("County children coordinator"),
        Role.Scope.AREA,
        (
            *_CASEWORK,
            P.ORGUNIT_MANAGE,
            P.USER_VIEW,
            P.USER_MANAGE,
            P.CHILD_MERGE,
            # Answers "who saw this child" for the county's children (a data subject's request).
            P.CHILD_ACCESS_LOG,
            P.CASE_CLOSE,
            P.CASE_APPROVE_PLAN,
            P.CASE_APPROVE_CLOSURE,
            P.CASE_VIEW_SENSITIVE,
            P.CASE_TRANSFER,
            P.CASE_REFER,
            P.INTAKE_TRIAGE,
            # Coordinators may refer without recorded consent when the child's interest demands it
            # (audited as an override). They also receive referrals, supervise placements and submit the county's
            # quarterly return; holding these also lets them grant every field role in the county.
            P.CONSENT_OVERRIDE,
            P.CASE_EMERGENCY_ACCESS,
            P.REFERRAL_RECEIVE,
            P.PLACEMENT_VIEW,
            P.PLACEMENT_MANAGE,
            P.RETURN_SUBMIT,
            P.RETURN_APPROVE,
            P.REPORT_VIEW,
            P.REPORT_VIEW_AGGREGATE,
            P.REPORT_EXPORT,
            # The county's data manager: bulk imports into the county only (cpims/imports).
            P.DATA_IMPORT,
        ),
        "Supervises the county's sub-counties: approvals, returns, county dashboards, AAC pack.",
    ),
    RoleDef(
        SUBCOUNTY_OFFICER,
        gettext_noop("Sub-county children officer"),
        Role.Scope.AREA,
        (
            *_CASEWORK,
            P.CHILD_MERGE,
            P.CASE_CLOSE,
            P.CASE_VIEW_SENSITIVE,
            P.CASE_TRANSFER,
            P.CASE_REFER,
            # Break-the-glass: time-boxed, with a reason, the supervisor told (docs/data-protection.md).
            P.CASE_EMERGENCY_ACCESS,
            P.INTAKE_TRIAGE,
            P.REFERRAL_RECEIVE,
            P.PLACEMENT_VIEW,
            P.PLACEMENT_MANAGE,
            P.RETURN_SUBMIT,
            P.REPORT_VIEW,
            P.REPORT_VIEW_AGGREGATE,
            P.REPORT_EXPORT,
            # Imports the sub-county's DCS Excel caseload tool rows and CCI resident lists (cpims/imports).
            P.DATA_IMPORT,
        ),
        "Registers children, runs cases, records services, refers, submits the monthly return.",
    ),
    RoleDef(
        VOLUNTEER_OFFICER,
        gettext_noop("Volunteer children officer"),
        Role.Scope.OWN,
        (P.ORGUNIT_VIEW, P.CHILD_VIEW, P.CHILD_CREATE, P.CASE_VIEW, P.CASE_CREATE, P.SERVICE_RECORD),
        "Reports concerns and records services for the children they registered.",
    ),
    RoleDef(
        PARTNER_CASEWORKER,
        gettext_noop("Partner caseworker"),
        Role.Scope.ORG_UNIT,
        (
            P.ORGUNIT_VIEW,
            P.CHILD_VIEW,
            P.CHILD_CREATE,
            P.CASE_VIEW,
            P.CASE_CREATE,
            P.SERVICE_RECORD,
            P.REFERRAL_RECEIVE,
            P.CASE_REFER,
            P.RETURN_SUBMIT,
        ),
        "NGO, CBO, FBO, police, health or school staff: reports concerns, records services, answers referrals.",
    ),
    RoleDef(
        INSTITUTION_MANAGER,
        gettext_noop("Institution manager"),
        Role.Scope.ORG_UNIT,
        (
            P.ORGUNIT_VIEW,
            P.CHILD_VIEW,
            P.CHILD_CREATE,
            P.CHILD_UPDATE,
            P.CASE_VIEW,
            P.SERVICE_RECORD,
            P.PLACEMENT_VIEW,
            P.PLACEMENT_MANAGE,
            P.RETURN_SUBMIT,
            P.REFERRAL_RECEIVE,
        ),
        "Runs a CCI or statutory institution: admissions, population, discharges, monthly return.",
    ),
    RoleDef(
        STAKEHOLDER_VIEWER,
        gettext_noop("Stakeholder viewer"),
        Role.Scope.NATIONAL,
        (P.ORGUNIT_VIEW, P.REPORT_VIEW_AGGREGATE),
        "AAC members, NCCS, development partners: aggregate reports only, never a child's identity.",
    ),
    RoleDef(
        INTAKE_SYSTEM,
        gettext_noop("Partner system (intake)"),
        Role.Scope.NATIONAL,
        (P.INTAKE_SUBMIT,),
        "An account for a partner system such as the Child Helpline 116: submits concerns through the"
        " intake API with its own token, and sees nothing.",
    ),
    RoleDef(
        DATA_PROTECTION_OFFICER,
        gettext_noop("Data protection officer"),
        Role.Scope.NATIONAL,
        (
            P.ORGUNIT_VIEW,
            P.CHILD_VIEW,
            P.CHILD_ACCESS_LOG,
            P.CASE_VIEW,
            P.CASE_VIEW_SENSITIVE,
            P.PLACEMENT_VIEW,
            P.AUDIT_VIEW,
            P.PRIVACY_REQUESTS,
            P.PRIVACY_BREACHES,
        ),
        "Data Protection Act 2019: subject access and correction requests, the breach register.",
    ),
)


@transaction.atomic
def seed_roles() -> int:
    """Create the default roles that do not exist yet. Returns how many were created."""
    created = 0
    for spec in DEFAULT_ROLES:
        _, was_created = Role.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "scope": spec.scope,
                "permissions": list(spec.permissions),
                "description": spec.description,
            },
        )
        created += int(was_created)
    return created


def role_counts() -> dict[str, int]:
    """What load_reference reports about the roles."""
    return {"roles": Role.objects.count()}

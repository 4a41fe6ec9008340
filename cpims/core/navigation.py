"""The navigation menu, by permission: a user sees only the entries they can use.

Apps add entries here as they land; each entry is (url name, label, permission or None).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P

MENU: list[tuple[str, object, str | None]] = [
    ("core:home", _("Home"), None),
    ("registry:search", _("Children"), P.CHILD_VIEW),
    ("registry:child_create", _("Register a child"), P.CHILD_CREATE),
    ("cases:task_list", _("My tasks"), P.CASE_VIEW),
    ("cases:case_list", _("Cases"), P.CASE_VIEW),
    ("intake:queue", _("Triage"), P.INTAKE_TRIAGE),
    ("intake:report_new", _("Record a concern"), P.CASE_CREATE),
    ("court:diary", _("Court diary"), P.CASE_VIEW),
    ("referrals:inbox", _("Referrals"), P.REFERRAL_RECEIVE),
    ("care:placement_list", _("Children in care"), P.PLACEMENT_VIEW),
    ("care:institution_list", _("Institutions"), P.PLACEMENT_VIEW),
    ("care:alerts", _("Care alerts"), P.PLACEMENT_VIEW),
    # care menu entries
    ("dashboards:home", _("Dashboard"), P.REPORT_VIEW_AGGREGATE),
    # dashboards menu entries
    ("reporting:caseload", _("Caseload reports"), P.REPORT_VIEW_AGGREGATE),
    # reporting menu entries
    # returns menu entries
    ("returns:index", _("Monthly returns"), P.RETURN_SUBMIT),
    ("returns:review", _("Review returns"), P.RETURN_APPROVE),
    # dhis2 menu entries
    ("dhis2:index", _("DHIS2"), P.DHIS2_PUSH),
    ("geo:orgunit_list", _("Organisation units"), P.ORGUNIT_MANAGE),
    ("accounts:user_list", _("Users"), P.USER_VIEW),
    ("audit:event_list", _("Audit log"), P.AUDIT_VIEW),
    ("api:token_list", _("API tokens"), P.API_TOKEN_MANAGE),
    ("api:docs", _("API documentation"), P.API_TOKEN_MANAGE),
]

"""accounts/0004 gives existing default roles ``data.import`` (and the system administrator
``task.manage``), only them, once, keeping every other change made to the roles."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from cpims.accounts import permissions as P
from cpims.accounts import roles as R
from cpims.accounts.models import Role

migration = importlib.import_module("cpims.accounts.migrations.0004_data_import_task_manage_permissions")

pytestmark = pytest.mark.django_db


def _role(code: str, permissions: list[str]) -> Role:
    # The default roles may already be seeded in the test database: set their permissions.
    role, _ = Role.objects.update_or_create(
        code=code, defaults={"name": code, "scope": Role.Scope.AREA, "permissions": permissions}
    )
    return role


def test_grant_adds_the_permissions_to_the_default_roles_once_keeping_other_changes() -> None:
    # An installation where the administrator removed user.grant_any_role and added audit.view by hand.
    admin = _role(R.SYSTEM_ADMIN, [P.USER_MANAGE, P.AUDIT_VIEW, P.TASK_MANAGE])
    coordinator = _role(R.COUNTY_COORDINATOR, [P.CASE_VIEW, P.AUDIT_VIEW])
    officer = _role(R.SUBCOUNTY_OFFICER, [P.CASE_VIEW])
    national = _role(R.NATIONAL_ME, [P.CASE_VIEW])
    custom = _role("county_data_clerk", [P.CASE_VIEW])

    migration.grant(apps, None)
    migration.grant(apps, None)

    for role in (admin, coordinator, officer, national, custom):
        role.refresh_from_db()
    assert admin.permissions == [P.USER_MANAGE, P.AUDIT_VIEW, P.TASK_MANAGE, P.DATA_IMPORT]
    assert coordinator.permissions == [P.CASE_VIEW, P.AUDIT_VIEW, P.DATA_IMPORT]
    assert officer.permissions == [P.CASE_VIEW, P.DATA_IMPORT]
    assert national.permissions == [P.CASE_VIEW]
    assert custom.permissions == [P.CASE_VIEW]


def test_the_migration_matches_the_default_roles() -> None:
    """A new installation's seeded roles and an upgraded one's agree on who holds the two."""
    for spec in R.DEFAULT_ROLES:
        held = {p for p in (P.DATA_IMPORT, P.TASK_MANAGE) if p in spec.permissions}
        assert held == set(migration.GRANTS.get(spec.code, ())), spec.code


def test_revoke_removes_only_those_permissions() -> None:
    admin = _role(R.SYSTEM_ADMIN, [P.USER_MANAGE, P.DATA_IMPORT, P.TASK_MANAGE])
    officer = _role(R.SUBCOUNTY_OFFICER, [P.CASE_VIEW, P.DATA_IMPORT])

    migration.revoke(apps, None)

    admin.refresh_from_db()
    officer.refresh_from_db()
    assert admin.permissions == [P.USER_MANAGE]
    assert officer.permissions == [P.CASE_VIEW]

"""accounts/0003 gives existing default roles the "who saw this child" permission, and only them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from cpims.accounts import permissions as P
from cpims.accounts.models import Role

migration = importlib.import_module("cpims.accounts.migrations.0003_child_access_log_permission")

pytestmark = pytest.mark.django_db


def _role(code: str, permissions: list[str]) -> Role:
    # The default roles may already be seeded in the test database: set their permissions.
    role, _ = Role.objects.update_or_create(
        code=code, defaults={"name": code, "scope": Role.Scope.AREA, "permissions": permissions}
    )
    return role


def test_grant_adds_the_permission_to_the_two_default_roles_once() -> None:
    coordinator = _role("county_coordinator", [P.CASE_VIEW])
    national = _role("national_me", [P.CASE_VIEW, P.CHILD_ACCESS_LOG])
    officer = _role("subcounty_officer", [P.CASE_VIEW])

    migration.grant(apps, None)
    migration.grant(apps, None)

    coordinator.refresh_from_db()
    national.refresh_from_db()
    officer.refresh_from_db()
    assert coordinator.permissions == [P.CASE_VIEW, P.CHILD_ACCESS_LOG]
    assert national.permissions == [P.CASE_VIEW, P.CHILD_ACCESS_LOG]
    assert officer.permissions == [P.CASE_VIEW]


def test_revoke_removes_only_that_permission() -> None:
    coordinator = _role("county_coordinator", [P.CASE_VIEW, P.CHILD_ACCESS_LOG])

    migration.revoke(apps, None)

    coordinator.refresh_from_db()
    assert coordinator.permissions == [P.CASE_VIEW]

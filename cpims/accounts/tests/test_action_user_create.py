"""actions.user_create and the grant rules, called directly (as the API or a command would)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.accounts import actions
from cpims.accounts import roles as R
from cpims.accounts.models import Role, User
from cpims.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Mto-Tana-Unapita-77"


def _create(actor: Any, role: str, unit: Any, **extra: Any) -> User:
    return actions.user_create(
        actor=actor, username="new_user", password=PASSWORD, role=Role.objects.get(code=role), org_unit=unit, **extra
    )


def test_role_with_permissions_the_actor_lacks_is_refused(cast: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(cast.nairobi_coordinator, R.SYSTEM_ADMIN, cast.nairobi_office)
    assert exc.value.code == "role_not_grantable"
    assert "permissions you do not hold" in exc.value.messages[0]
    assert not User.objects.filter(username="new_user").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_role_reaching_wider_than_the_actor_is_refused(cast: Any) -> None:
    # Stakeholder viewers see national aggregates; a county coordinator's reach is the county.
    with pytest.raises(ValidationError) as exc:
        _create(cast.nairobi_coordinator, R.STAKEHOLDER_VIEWER, cast.nairobi_office)
    assert exc.value.code == "role_scope_too_wide"


def test_unit_outside_the_actor_scope_is_refused(cast: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(cast.nairobi_coordinator, R.SUBCOUNTY_OFFICER, cast.turkana_central_office)
    assert exc.value.code == "org_unit_out_of_scope"


def test_system_admin_grants_any_role_through_the_grant_any_role_permission(cast: Any) -> None:
    user = _create(cast.admin, R.SUBCOUNTY_OFFICER, cast.westlands_office)
    assert user.assignments.get().role.code == R.SUBCOUNTY_OFFICER


def test_coordinator_grants_every_field_role_in_their_county(cast: Any) -> None:
    for code in (R.SUBCOUNTY_OFFICER, R.VOLUNTEER_OFFICER, R.PARTNER_CASEWORKER, R.INSTITUTION_MANAGER):
        user = actions.user_create(
            actor=cast.nairobi_coordinator,
            username=f"field_{code}",
            password="a-Long-enough-passphrase-42",
            role=Role.objects.get(code=code),
            org_unit=cast.westlands_office,
        )
        assert user.assignments.get().role.code == code


def test_superuser_flag_grants_nothing_extra(cast: Any) -> None:
    # Django's is_superuser plays no part in CPIMS access: only roles do.
    cast.nairobi_coordinator.is_superuser = True
    cast.nairobi_coordinator.save()
    with pytest.raises(ValidationError):
        _create(cast.nairobi_coordinator, R.SYSTEM_ADMIN, cast.hq)


def test_weak_password_writes_nothing(cast: Any) -> None:
    with pytest.raises(ValidationError):
        actions.user_create(
            actor=cast.nairobi_coordinator,
            username="new_user",
            password="12345",
            role=Role.objects.get(code=R.SUBCOUNTY_OFFICER),
            org_unit=cast.westlands_office,
        )
    assert not User.objects.filter(username="new_user").exists()

"""token_issue: the secret is returned once, only its hash kept, audited in the same transaction,
and a manager cannot obtain a token that reaches further than they do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cpims.accounts import roles as R
from cpims.accounts.models import Assignment, Role
from cpims.api import keys
from cpims.api.actions import token_issue
from cpims.api.models import ApiToken
from cpims.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_issue_returns_the_secret_and_stores_its_hash(cast: Any) -> None:
    expires = timezone.now() + timedelta(days=30)
    token, secret = token_issue(actor=cast.admin, user=cast.turkana_officer, name=" Tablet 7 ", expires_at=expires)
    token.refresh_from_db()
    assert token.user == cast.turkana_officer
    assert token.created_by == cast.admin
    assert token.name == "Tablet 7"
    assert token.expires_at == expires
    assert token.key_hash == keys.hash_secret(secret)
    assert token.is_active


def test_issue_is_audited(cast: Any) -> None:
    token, _ = token_issue(actor=cast.admin, user=cast.turkana_officer, name="Tablet 7")
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == cast.admin
    assert event.object_id == str(token.public_id)
    assert event.object_label == token.key_prefix
    assert event.details["user"] == str(cast.turkana_officer.public_id)


def test_issue_and_audit_share_one_transaction(cast: Any) -> None:
    with (
        mock.patch("cpims.api.actions.audit_record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        token_issue(actor=cast.admin, user=cast.turkana_officer, name="Tablet 7")
    assert not ApiToken.objects.exists()


def test_every_secret_is_different(cast: Any) -> None:
    secrets = {token_issue(actor=cast.admin, user=cast.admin, name=f"t{i}")[1] for i in range(5)}
    assert len(secrets) == 5


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x", "expires_at": "past"}, "expires_at"),
    ],
)
def test_issue_validates(cast: Any, kwargs: dict[str, Any], field: str) -> None:
    if kwargs.get("expires_at") == "past":
        kwargs["expires_at"] = timezone.now() - timedelta(minutes=1)
    with pytest.raises(ValidationError) as info:
        token_issue(actor=cast.admin, user=cast.nairobi_officer, **kwargs)
    assert field in info.value.message_dict
    assert not ApiToken.objects.exists()


def test_no_token_for_an_inactive_user(cast: Any) -> None:
    cast.nairobi_officer.is_active = False
    cast.nairobi_officer.save()
    with pytest.raises((ValidationError, PermissionDenied)):
        token_issue(actor=cast.admin, user=cast.nairobi_officer, name="x")
    assert not ApiToken.objects.exists()


def test_only_token_managers_may_issue(cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        token_issue(actor=cast.nairobi_coordinator, user=cast.nairobi_officer, name="x")


def test_area_manager_issues_only_within_their_area(scoped_managers: Any) -> None:
    cast = scoped_managers
    token, _ = token_issue(actor=cast.nairobi_coordinator, user=cast.nairobi_officer, name="x")
    assert token.user == cast.nairobi_officer
    with pytest.raises(PermissionDenied):
        token_issue(actor=cast.nairobi_coordinator, user=cast.turkana_officer, name="x")


def test_area_manager_cannot_issue_for_a_user_who_also_works_elsewhere(scoped_managers: Any) -> None:
    cast = scoped_managers
    # In scope through the Nairobi assignment, but a token would also reach Turkana.
    Assignment.objects.create(
        user=cast.nairobi_officer, role=Role.objects.get(code=R.SUBCOUNTY_OFFICER), org_unit=cast.turkana_central_office
    )
    with pytest.raises(PermissionDenied):
        token_issue(actor=cast.nairobi_coordinator, user=cast.nairobi_officer, name="x")


def test_area_manager_cannot_issue_for_a_wider_role(scoped_managers: Any) -> None:
    cast = scoped_managers
    # A national role held at a Nairobi office: in scope, but it reaches the whole country.
    Assignment.objects.create(
        user=cast.nairobi_officer, role=Role.objects.get(code=R.NATIONAL_ME), org_unit=cast.westlands_office
    )
    with pytest.raises(PermissionDenied):
        token_issue(actor=cast.nairobi_coordinator, user=cast.nairobi_officer, name="x")


def test_national_manager_may_issue_for_anyone(cast: Any) -> None:
    for user in cast.users().values():
        token, _ = token_issue(actor=cast.admin, user=user, name="x")
        assert token.user == user

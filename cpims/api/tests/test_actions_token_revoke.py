"""token_revoke: revokes once, audited in the same transaction."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from cpims.api.actions import token_revoke
from cpims.api.models import ApiToken
from cpims.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_revoke_sets_revoked_at_and_is_audited(cast: Any, issue: Any) -> None:
    token, _ = issue(cast.turkana_officer)
    token_revoke(actor=cast.admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == cast.admin
    assert event.object_id == str(token.public_id)
    assert event.details == {"user": str(cast.turkana_officer.public_id)}


def test_revoking_twice_is_refused(cast: Any, issue: Any) -> None:
    token, _ = issue(cast.turkana_officer)
    token_revoke(actor=cast.admin, token=token)
    with pytest.raises(ValidationError):
        token_revoke(actor=cast.admin, token=token)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_revoke_and_audit_share_one_transaction(cast: Any, issue: Any) -> None:
    token, _ = issue(cast.turkana_officer)
    with (
        mock.patch("cpims.api.actions.audit_record", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        token_revoke(actor=cast.admin, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None

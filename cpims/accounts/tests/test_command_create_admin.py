from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.models import AuditEvent


def _run(username: str, password: str) -> str:
    out = io.StringIO()
    stdin = io.StringIO(password + "\n")
    import sys

    old, sys.stdin = sys.stdin, stdin
    try:
        call_command("create_admin", username, "--password-stdin", stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_creates_a_system_admin_at_hq_and_audits_it(reference: Any) -> None:
    _run("first_admin", "a-Long-enough-passphrase-42")
    user = User.objects.get(username="first_admin")
    assert user.password.startswith("argon2")
    assert scope.has_perm(user, P.USER_GRANT_ANY_ROLE)
    assert user.assignments.get().org_unit.code == "DCS-HQ"
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.public_id))
    assert event.actor is None and event.details["via"] == "command"


def test_weak_password_is_refused_and_nothing_written(reference: Any) -> None:
    with pytest.raises(CommandError):
        _run("weak_admin", "12345")
    assert not User.objects.filter(username="weak_admin").exists()


def test_duplicate_username_is_refused(reference: Any) -> None:
    _run("first_admin", "a-Long-enough-passphrase-42")
    with pytest.raises(CommandError, match="already exists"):
        _run("first_admin", "another-Long-passphrase-43")

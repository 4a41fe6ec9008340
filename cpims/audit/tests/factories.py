"""Audit events for tests, at a chosen time (``at`` is set by the database layer on insert)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

from cpims.audit.models import AuditEvent
from cpims.audit.queries import NAIROBI


def nairobi(*args: int) -> dt.datetime:
    """An aware datetime given as Kenya wall-clock time, e.g. nairobi(2025, 3, 1, 23, 59)."""
    return dt.datetime(*args, tzinfo=NAIROBI)  # type: ignore[misc]


def make_event(*, at: dt.datetime | None = None, **fields: Any) -> AuditEvent:
    values: dict[str, Any] = {"action": "test.view", "outcome": AuditEvent.Outcome.SUCCESS, **fields}
    actor = values.get("actor")
    if actor is not None and "actor_username" not in values:
        values["actor_username"] = actor.get_username()
    if at is None:
        return AuditEvent.objects.create(**values)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return AuditEvent.objects.create(**values)

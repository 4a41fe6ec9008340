"""Writing audit events. Call inside the same transaction as the change being audited."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from cpims.audit.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is trusted only when the proxy sets REMOTE_ADDR itself
    # (gunicorn --forwarded-allow-ips), so a client cannot forge the audited address.
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one audit event. ``object_label`` and ``details`` must not hold personal data."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=real_actor,
        actor_username=actor_username or (real_actor.get_username() if real_actor else ""),
        action=action,
        outcome=outcome,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label[:200],
        ip=client_ip(request),
        details=details or {},
    )

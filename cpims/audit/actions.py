"""Writing audit events. Call inside the same transaction as the change being audited."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from cpims.audit.models import AuditEvent
from cpims.core import context

if TYPE_CHECKING:
    from cpims.accounts.types import AnyUser


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in getattr(settings, "CPIMS_TRUSTED_PROXIES", ()):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue
    return networks


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the person's machine, as far as we can know it without trusting the client.

    REMOTE_ADDR is the machine that opened the connection. When that machine is one of our own
    reverse proxies (settings.CPIMS_TRUSTED_PROXIES, addresses or networks), the proxy's
    X-Forwarded-For is read from the right, skipping our proxies, and the first other address
    is the client's. Anything a client wrote further left is ignored, so it cannot forge the
    audited address. A value that is not an IP address is never stored.
    """
    if request is None:
        return None
    remote = _parse_ip(request.META.get("REMOTE_ADDR") or "")
    proxies = _trusted_proxies()
    if remote is None or not any(remote in net for net in proxies):
        return str(remote) if remote is not None else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _parse_ip(hop)
        if address is None:
            return str(remote)  # a malformed hop: do not guess past it
        if not any(address in net for net in proxies):
            return str(address)
    return str(remote)


def audit_record(
    *,
    actor: AnyUser | None,
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
    real_actor = actor if actor is not None and actor.is_authenticated else None
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
        request_id=context.request_id() or (f"task:{context.task_id()}" if context.task_id() else ""),
    )


# --- Reading the audit log is itself audited ---------------------------------------------------

SEARCH = "audit.search"
EXPORT = "audit.export"


def _filters_for_details(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters of a search as they may be kept in an audit event: ids and codes only.

    A typed user name is not kept as text (a failed login may have put a password or a person's
    name in that field); it is kept as the public id of the account it names, or marked unmatched.
    """
    from django.contrib.auth import get_user_model

    out: dict[str, Any] = {}
    for name, value in filters.items():
        if value in (None, ""):
            continue
        if name == "username":
            match = get_user_model().objects.filter(username=value).values_list("public_id", flat=True).first()
            out["user"] = str(match) if match else "unmatched"
        elif hasattr(value, "isoformat"):
            out[name] = value.isoformat()
        else:
            out[name] = str(value)
    return out


def audit_search_record(
    *,
    actor: AnyUser,
    filters: dict[str, Any],
    request: HttpRequest | None = None,
    via: str = "web",
    page: int | None = None,
) -> AuditEvent:
    """Record that ``actor`` read the audit log with ``filters``."""
    details: dict[str, Any] = {"via": via, "filters": _filters_for_details(filters)}
    if page is not None:
        details["page"] = page
    return audit_record(actor=actor, action=SEARCH, request=request, details=details)


def audit_denied_record(
    *, actor: AnyUser, action: str, request: HttpRequest | None = None, via: str = "web"
) -> AuditEvent:
    """Record that ``actor`` tried to read or export the audit log without audit.view."""
    return audit_record(
        actor=actor, action=action, outcome=AuditEvent.Outcome.DENIED, request=request, details={"via": via}
    )


def audit_export_record(
    *, actor: AnyUser, filters: dict[str, Any], rows: int, request: HttpRequest | None = None
) -> AuditEvent:
    """Record that ``actor`` exported ``rows`` audit events matching ``filters``."""
    return audit_record(
        actor=actor,
        action=EXPORT,
        request=request,
        details={"format": "csv", "rows": rows, "filters": _filters_for_details(filters)},
    )


def audit_record_many(
    *,
    actor: AnyUser | None,
    action: str,
    objects: list[tuple[models.Model, str]],
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Append one audit event per ``(object, label)`` in one INSERT (the children a search showed:
    "who saw this child" lists each hit). Labels and details must not hold personal data."""
    if not objects:
        return 0
    real_actor = actor if actor is not None and actor.is_authenticated else None
    username = real_actor.get_username() if real_actor else ""
    ip = client_ip(request)
    rows = [
        AuditEvent(
            actor=real_actor,
            actor_username=username,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(getattr(obj, "public_id", None) or obj.pk),
            object_label=label[:200],
            ip=ip,
            details=details or {},
        )
        for obj, label in objects
    ]
    AuditEvent.objects.bulk_create(rows)
    return len(rows)

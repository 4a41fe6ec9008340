"""Every write of offline field work: devices, the sync log, and sync up (each item applied through
the existing actions of the registry, intake and cases apps, in its own transaction, under the
user's name)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.cases import actions as case_actions
from cpims.cases import workflow
from cpims.cases.models import Case
from cpims.geo.models import OrgUnit
from cpims.intake import actions as intake_actions
from cpims.intake.actions import ReportInput
from cpims.offline import queries
from cpims.offline.models import AppliedItem, Device, SyncLog
from cpims.offline.serializers import (
    ITEM_SERIALIZERS,
    MAX_ITEM_BYTES,
    ChildRegisterItemSerializer,
    SyncItemSerializer,
)
from cpims.registry import actions as registry_actions
from cpims.registry import queries as registry_queries
from cpims.registry.api import (
    RelativeWriteSerializer,
    _candidates_data,  # the registry API's own answer, so both read alike
)

SECRET_BYTES = 32
# A reservation older than this was left by a request that died: the item may be applied again.
PENDING_STALE = dt.timedelta(minutes=10)


# --- devices --------------------------------------------------------------------------------------


def device_register(*, actor: User, label: str, request: HttpRequest | None = None) -> Device:
    """A new device of ``actor`` with a fresh secret (returned once to the client)."""
    if not queries.may_work_offline(actor):
        raise PermissionDenied
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": [_("Give the device a name.")]})
    if len(label) > 80:
        raise ValidationError({"label": [_("Use at most %(n)d characters.") % {"n": 80}]})
    with transaction.atomic(durable=True):
        device = Device.objects.create(
            owner=actor, label=label, secret=base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
        )
        audit_record(actor=actor, action="offline.device_register", obj=device, request=request)
    return device


def device_revoke(*, actor: User, device: Device, request: HttpRequest | None = None) -> Device:
    """Revoke a device: its next sync answers wipe. The owner, or a user manager whose grants
    reach the owner (user.manage), may do it. Revoking twice changes nothing."""
    if device.owner_id != actor.pk and not scope.can(actor, P.USER_MANAGE, device.owner):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        device = Device.objects.select_for_update().get(pk=device.pk)
        if device.revoked_at is not None:
            return device
        device.revoked_at = timezone.now()
        device.revoked_by = actor
        device.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit_record(
            actor=actor,
            action="offline.device_revoke",
            obj=device,
            request=request,
            details={"own": device.owner_id == actor.pk},
        )
    return device


def sync_logged(
    *,
    actor: User,
    device: Device,
    direction: str,
    size: int,
    request: HttpRequest | None = None,
    full: bool = False,
    cases: int = 0,
    persons: int = 0,
    removed: int = 0,
    items: int = 0,
    results: dict[str, int] | None = None,
) -> SyncLog:
    """The sync log row and the audit event ``offline.sync`` (counts only) of one sync."""
    wiped = device.is_revoked
    with transaction.atomic(durable=True):
        log = SyncLog.objects.create(
            device=device,
            direction=direction,
            full=full,
            cases=cases,
            persons=persons,
            removed=removed,
            items=items,
            results=results or {},
            bytes=size,
            wiped=wiped,
        )
        if not wiped:
            Device.objects.filter(pk=device.pk).update(last_sync_at=log.at)
        audit_record(
            actor=actor,
            action="offline.sync",
            obj=device,
            request=request,
            details={
                "direction": direction,
                "full": full,
                "cases": cases,
                "persons": persons,
                "removed": removed,
                "items": items,
                "results": results or {},
                "bytes": size,
                "wipe": wiped,
            },
        )
    return log


# --- sync up --------------------------------------------------------------------------------------


@dataclass
class ItemResult:
    client_id: str | None
    status: str
    id: str | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    server: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"client_id": self.client_id, "status": self.status, "id": self.id}
        if self.errors:
            out["errors"] = self.errors
        if self.status == "duplicate":
            out["candidates"] = self.candidates
        if self.server is not None:
            out["server"] = self.server
        return out


class _Refused(Exception):
    def __init__(self, result: ItemResult) -> None:
        super().__init__(result.status)
        self.result = result


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _drf_errors(errors: Any) -> dict[str, list[str]]:
    """DRF's nested error detail, flattened to {field: [messages]} (nested paths joined by dots)."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
            for i, v in enumerate(value):
                walk(f"{prefix}.{i}", v)
        elif isinstance(value, list):
            out.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
        else:
            out.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", errors)
    return out


def _reserve(actor: User, device: Device, client_id: Any, kind: str) -> AppliedItem | ItemResult:
    """Claim the client id (the unique row serialises retries), or the answer a retry gets."""
    try:
        with transaction.atomic():
            return AppliedItem.objects.create(
                user=actor, client_id=client_id, device=device, kind=kind, status="pending"
            )
    except IntegrityError:
        pass
    row = AppliedItem.objects.filter(user=actor, client_id=client_id).first()
    if row is None:  # released by the other request in between: try once more next sync
        return ItemResult(str(client_id), "invalid", errors={"client_id": [_("Send this item again.")]})
    if row.status == "applied":
        return ItemResult(str(client_id), "already_applied", id=str(row.object_id) if row.object_id else None)
    if row.applied_at < timezone.now() - PENDING_STALE:
        row.applied_at = timezone.now()
        row.device = device
        row.save(update_fields=["applied_at", "device"])
        return row
    return ItemResult(
        str(client_id), "invalid", errors={"client_id": [_("This item is being applied now; send it again later.")]}
    )


def sync_up(*, actor: User, device: Device, items: list[Any], request: HttpRequest | None = None) -> list[ItemResult]:
    """Apply a batch of items, each in its own transaction through the existing actions. Returns one
    result per item, in order; a revoked device gets nothing applied (the caller answers wipe)."""
    if device.is_revoked:
        return []
    results = [_one(actor=actor, device=device, raw=raw, request=request) for raw in items]
    counts = Counter(r.status for r in results)
    size = len(json.dumps(items, default=str))
    sync_logged(
        actor=actor,
        device=device,
        direction=SyncLog.Direction.UP,
        size=size,
        request=request,
        items=len(items),
        results=dict(counts),
    )
    return results


def _one(*, actor: User, device: Device, raw: Any, request: HttpRequest | None) -> ItemResult:
    client_id = raw.get("client_id") if isinstance(raw, dict) else None
    envelope = SyncItemSerializer(data=raw if isinstance(raw, dict) else {})
    if not envelope.is_valid():
        return ItemResult(str(client_id) if client_id else None, "invalid", errors=_drf_errors(envelope.errors))
    item = dict(envelope.validated_data)
    cid = str(item["client_id"])
    if len(json.dumps(item["data"], default=str)) > MAX_ITEM_BYTES:
        return ItemResult(cid, "invalid", errors={"data": [_("This item is too large.")]})
    data_in = ITEM_SERIALIZERS[item["kind"]](data=item["data"])
    try:
        valid = data_in.is_valid()
    except (ValidationError, ValueError, TypeError, OverflowError):
        # A value a lookup field cannot even parse (a malformed public id, a huge number).
        return ItemResult(cid, "invalid", errors={"data": [_("Some values are not valid.")]})
    if not valid:
        return ItemResult(cid, "invalid", errors=_drf_errors(data_in.errors))
    claim = _reserve(actor, device, item["client_id"], item["kind"])
    if isinstance(claim, ItemResult):
        return claim
    try:
        result = _apply(actor=actor, item=item, data=dict(data_in.validated_data), request=request)
    except _Refused as exc:
        result = exc.result
    except (PermissionDenied, Http404):
        result = ItemResult(cid, "forbidden", errors={"target": [_("You may not do this on that record.")]})
    except ValidationError as exc:
        result = ItemResult(cid, "invalid", errors=_errors_of(exc))
    result.client_id = cid
    if result.status == "applied":
        claim.status = "applied"
        claim.object_id = result.id
        claim.save(update_fields=["status", "object_id"])
    else:
        # Not final: the user resolves a duplicate or a conflict, or fixes the item, and sends it again.
        claim.delete()
    return result


def _apply(*, actor: User, item: dict[str, Any], data: dict[str, Any], request: HttpRequest | None) -> ItemResult:
    kind = item["kind"]
    if kind == "child_register":
        return _child_register(actor, item, data, request)
    if kind == "intake":
        report = intake_actions.report_record(actor=actor, data=ReportInput(**data), request=request)
        return ItemResult(None, "applied", id=str(report.public_id))
    if kind == "service":
        return _service(actor, item, data, request)
    if kind == "followup":
        return _followup(actor, item, data, request)
    return _case_note(actor, item, data, request)


# --- the kinds ------------------------------------------------------------------------------------


def _registering_unit(actor: User, unit: OrgUnit | None) -> OrgUnit:
    allowed = registry_queries.registering_units(actor)
    if unit is None:
        if len(allowed) != 1:
            raise ValidationError({"org_unit": [_("You register for several units: say which one (org_unit).")]})
        return allowed[0]
    if unit.pk not in {u.pk for u in allowed}:
        raise PermissionDenied
    return unit


def _child_register(actor: User, item: dict[str, Any], data: dict[str, Any], request: HttpRequest | None) -> ItemResult:
    resolution = item["resolution"] or ""
    if resolution.startswith("link:"):
        # The user found the child already registered: the item becomes that person.
        person = queries.person_in_scope(actor, resolution[5:])
        if person is None:
            raise PermissionDenied
        return ItemResult(None, "applied", id=str(person.public_id))
    scope.require_perm(actor, P.CHILD_CREATE)
    unit = _registering_unit(actor, data.get("org_unit"))
    child = ChildRegisterItemSerializer().to_input(data)
    relatives = [RelativeWriteSerializer().to_relative(r) for r in data.get("relatives", [])]
    anyway = resolution == "register_anyway"
    if not anyway:
        found = registry_queries.duplicate_candidates(actor, child, relatives=relatives, request=request)
        if found:
            raise _Refused(ItemResult(None, "duplicate", candidates=_candidates_data(found)))
    try:
        registration = registry_actions.child_register(
            actor=actor,
            org_unit=unit,
            child=child,
            relatives=relatives,
            child_heads_household=data.get("child_heads_household", False),
            consent_given_by=data.get("consent_given_by"),
            consent_date=data.get("consent_date"),
            request=request,
            via="offline",
            recheck=None if anyway else registry_queries.duplicate_recheck(actor, child, relatives),
        )
    except registry_actions.LikelyDuplicates as exc:
        raise _Refused(ItemResult(None, "duplicate", candidates=_candidates_data(exc.candidates))) from exc
    return ItemResult(None, "applied", id=str(registration.child.public_id))


def _target_case(actor: User, item: dict[str, Any]) -> Case:
    case = queries.case_in_scope(actor, item["target"])
    if case is None:
        raise PermissionDenied
    return case


def _closed(case: Case) -> _Refused:
    return _Refused(
        ItemResult(
            None,
            "conflict",
            id=str(case.public_id),
            errors={"target": [_("The case was closed after you synced: nothing was saved.")]},
            server=queries.case_record(case),
        )
    )


def _service(actor: User, item: dict[str, Any], data: dict[str, Any], request: HttpRequest | None) -> ItemResult:
    target = item["target"]
    if target is None:
        raise ValidationError({"target": [_("Say which case or child the service was given to.")]})
    case = queries.case_in_scope(actor, target)
    if case is not None:
        if not case.is_open:
            raise _closed(case)
        child = case.child
    else:
        child = queries.person_in_scope(actor, target) or _registered_offline(actor, target)
        if child is None:
            raise PermissionDenied
    units = case_actions.service_units(actor)
    provider_id = data.get("provider")
    if provider_id is None:
        if len(units) != 1:
            raise ValidationError({"provider": [_("You work for several units: say which one (provider).")]})
        provider: OrgUnit | None = OrgUnit.objects.get(pk=units[0])
    else:
        provider = OrgUnit.objects.filter(public_id=provider_id, pk__in=units).first()
    if provider is None:
        raise ValidationError({"provider": [_("Choose a unit you work for.")]})
    record = case_actions.service_record(
        actor=actor,
        child=child,
        case=case,
        service=data["service"],
        given_on=data["given_on"],
        provider=provider,
        notes=data.get("notes", ""),
        request=request,
        via="offline",
    )
    return ItemResult(None, "applied", id=str(record.public_id))


def _registered_offline(actor: User, client_id: Any) -> Any:
    """A child the same user registered from the field in an earlier item (the target may be that
    item's client id, when the PWA did not have the server id yet)."""
    row = AppliedItem.objects.filter(user=actor, client_id=client_id, kind="child_register", status="applied").first()
    if row is None or row.object_id is None:
        return None
    return queries.person_in_scope(actor, row.object_id)


def _followup(actor: User, item: dict[str, Any], data: dict[str, Any], request: HttpRequest | None) -> ItemResult:
    case = _target_case(actor, item)
    if data.get("followup"):
        followup = queries.followup_of(case, data["followup"])
        if followup is None:
            raise ValidationError({"followup": [_("This follow-up is not on that case.")]})
        if followup.done_on is not None or followup.ended_on is not None or not case.is_open:
            # Someone else recorded it, or the case was closed: the server's record wins.
            raise _Refused(
                ItemResult(
                    None,
                    "conflict",
                    id=str(followup.public_id),
                    errors={"followup": [_("This follow-up was already done or ended: nothing was saved.")]},
                    server=queries.case_record(case),
                )
            )
        try:
            done = case_actions.followup_complete(
                actor=actor, followup=followup, outcome=data["outcome"], done_on=data.get("done_on"), request=request
            )
        except workflow.TransitionRefused as exc:
            raise _Refused(
                ItemResult(
                    None,
                    "conflict",
                    id=str(followup.public_id),
                    errors=_errors_of(exc),
                    server=queries.case_record(case),
                )
            ) from exc
        return ItemResult(None, "applied", id=str(done.public_id))
    if not case.is_open:
        raise _closed(case)
    try:
        added = case_actions.followup_add(
            actor=actor, case=case, due_on=data["due_on"], purpose=data["purpose"], request=request
        )
    except workflow.TransitionRefused as exc:
        raise _closed(case) from exc
    return ItemResult(None, "applied", id=str(added.public_id))


def _case_note(actor: User, item: dict[str, Any], data: dict[str, Any], request: HttpRequest | None) -> ItemResult:
    case = _target_case(actor, item)
    resolution = item["resolution"]
    text = data["text"].strip()
    for _attempt in range(3):
        if not case.is_open:
            raise _closed(case)
        if data.get("replace"):
            # An edit of the notes: refused when the case moved past the version the user edited.
            if resolution == "keep_server":
                return ItemResult(None, "applied", id=str(case.public_id), server=queries.case_record(case))
            if item["base_version"] is None and resolution != "keep_mine":
                raise ValidationError({"base_version": [_("Send the version of the case you edited.")]})
            expected = case.version if resolution == "keep_mine" else item["base_version"]
            notes = text
        else:
            # An addition: applied whatever the version, on the notes as they are now.
            expected = case.version
            stamp = timezone.localdate().isoformat()
            notes = f"{case.notes.rstrip()}\n\n[{stamp}] {text}" if case.notes.strip() else f"[{stamp}] {text}"
        try:
            case_actions.case_update(actor=actor, case=case, expected_version=expected, request=request, notes=notes)
        except case_actions.StaleEdit as exc:
            if data.get("replace") and resolution != "keep_mine":
                raise _Refused(
                    ItemResult(
                        None,
                        "conflict",
                        id=str(case.public_id),
                        errors=_errors_of(exc),
                        server=queries.case_record(case),
                    )
                ) from exc
            case = _target_case(actor, item)  # changed meanwhile: read it again and add to that
            continue
        except workflow.TransitionRefused as exc:
            raise _closed(case) from exc
        return ItemResult(None, "applied", id=str(case.public_id))
    raise ValidationError({"target": [_("The case is changing fast; send this note again.")]})

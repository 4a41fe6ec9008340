"""What the offline API reads and writes. The sync-up item serializers are also the source of the
forms schema (``forms_schema``), so the PWA validates with the same rules as the server."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cpims.core.drf import CodeField, version_field
from cpims.intake.api import IntakeReportInSerializer
from cpims.offline.models import Device, SyncLog
from cpims.registry.api import ChildCreateSerializer, RelativeWriteSerializer

MAX_ITEMS = 100
# One item's data, as JSON: a registration with several relatives fits many times over.
MAX_ITEM_BYTES = 32_000

KINDS = ("child_register", "intake", "service", "followup", "case_note")
RESOLUTION = re.compile(r"^(link:[0-9a-fA-F-]{36}|register_anyway|keep_mine|keep_server)$")


# --- devices --------------------------------------------------------------------------------------


class DeviceCreateSerializer(serializers.Serializer):
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=80, help_text=_("A name the user recognises, e.g. 'Work phone'.")
    )


class DeviceRegisteredSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    device_secret = serializers.CharField(help_text=_("Base64 of 32 random bytes: the salt of the PIN key."))
    max_cases = serializers.IntegerField()


class DeviceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    revoked = serializers.BooleanField(source="is_revoked", read_only=True)

    class Meta:
        model = Device
        fields = ["id", "label", "created_at", "last_sync_at", "revoked", "revoked_at"]
        read_only_fields = fields


class SyncLogSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    device = serializers.UUIDField(source="device.public_id", read_only=True)

    class Meta:
        model = SyncLog
        fields = ["id", "device", "direction", "at", "full", "cases", "persons", "removed", "items", "results"]
        fields += ["bytes", "wiped"]
        read_only_fields = fields


# --- sync down ------------------------------------------------------------------------------------


class SyncDownQuerySerializer(serializers.Serializer):
    device = serializers.UUIDField()
    cursor = serializers.CharField(required=False, allow_blank=True, default="", max_length=200_000)


class SyncDownSerializer(serializers.Serializer):
    """The shape of the sync-down answer (for the schema; the body is built by the queries)."""

    wipe = serializers.BooleanField()
    cursor = serializers.CharField(required=False)
    full = serializers.BooleanField(required=False)
    limits = serializers.DictField(child=serializers.IntegerField(), required=False)
    cases = serializers.ListField(child=serializers.DictField(), required=False)
    persons = serializers.ListField(child=serializers.DictField(), required=False)
    removed = serializers.DictField(child=serializers.ListField(child=serializers.UUIDField()), required=False)
    code_lists = serializers.DictField(child=serializers.ListField(child=serializers.DictField()), required=False)
    org_units = serializers.ListField(child=serializers.DictField(), required=False)


# --- sync up: the items ---------------------------------------------------------------------------


class RelativeItemSerializer(RelativeWriteSerializer):
    """A relative of a child registered in the field (the registry API's fields)."""

    # For the forms schema: the registry's rules for a named relative (validate_person).
    schema_extra = {"last_name": {"required_with": "first_name"}, "sex": {"required_with": "first_name"}}


class ChildRegisterItemSerializer(ChildCreateSerializer):
    """A child registered in the field (the registry API's fields; a duplicate is resolved with the
    item's ``resolution`` instead of register_anyway)."""

    register_anyway = None  # type: ignore[assignment]
    relatives = RelativeItemSerializer(many=True, required=False, default=list)

    # For the forms schema: the registry's rules for a child (validate_person); the wards are the
    # "ward" list of the synced code lists.
    schema_extra = {
        "date_of_birth": {"required_without": "age_years"},
        "ward": {"required": True, "type": "code", "code_list": "ward"},
    }


class IntakeItemSerializer(IntakeReportInSerializer):
    """A concern recorded in the field into the sub-county's triage queue."""

    external_reference = None  # type: ignore[assignment]


class ServiceItemSerializer(serializers.Serializer):
    """A service given to the child of the target case (or to the target child)."""

    service = CodeField("intervention_id")
    given_on = serializers.DateField()
    provider = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text=_("Your unit (public id); defaults to your only one.")
    )
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class FollowUpItemSerializer(serializers.Serializer):
    """Without ``followup``: plan a follow-up on the target case. With it: record it as done."""

    # For the forms schema: what ``validate`` requires when no follow-up is named.
    schema_extra = {"due_on": {"required_without": "followup"}, "purpose": {"required_without": "followup"}}

    followup = serializers.UUIDField(required=False, allow_null=True, default=None)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    purpose = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    outcome = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    done_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("followup"):
            if not attrs.get("outcome", "").strip():
                raise serializers.ValidationError({"outcome": [_("Write what the follow-up found.")]})
        else:
            errors: dict[str, list[Any]] = {}
            if not attrs.get("due_on"):
                errors["due_on"] = [_("Enter the due date.")]
            if not attrs.get("purpose", "").strip():
                errors["purpose"] = [_("Say what the follow-up is for.")]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class CaseNoteItemSerializer(serializers.Serializer):
    """A note on the target case: added to the case notes, or (``replace``) the notes rewritten."""

    text = serializers.CharField(max_length=4000)
    replace = serializers.BooleanField(required=False, default=False)


ITEM_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "child_register": ChildRegisterItemSerializer,
    "intake": IntakeItemSerializer,
    "service": ServiceItemSerializer,
    "followup": FollowUpItemSerializer,
    "case_note": CaseNoteItemSerializer,
}


class SyncItemSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=[(k, k) for k in KINDS])
    target = serializers.UUIDField(required=False, allow_null=True, default=None)
    base_version = version_field(required=False, allow_null=True, default=None)
    data = serializers.DictField(required=False, default=dict)  # type: ignore[assignment]
    resolution = serializers.RegexField(RESOLUTION, required=False, allow_null=True, default=None)


class SyncUpSerializer(serializers.Serializer):
    device = serializers.UUIDField()
    # Items are checked one by one (a bad one is answered "invalid"), so they arrive as plain dicts.
    items = serializers.ListField(child=serializers.JSONField(), max_length=MAX_ITEMS, allow_empty=True)


class SyncResultSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(allow_null=True)
    status = serializers.ChoiceField(
        choices=[(s, s) for s in ("applied", "already_applied", "duplicate", "conflict", "invalid", "forbidden")]
    )
    id = serializers.UUIDField(allow_null=True, required=False)
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    candidates = serializers.ListField(child=serializers.DictField(), required=False)
    server = serializers.DictField(required=False)


class SyncUpResultSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True)
    wipe = serializers.BooleanField()


class FormsSchemaSerializer(serializers.Serializer):
    kinds = serializers.DictField(
        child=serializers.DictField(), help_text=_("Per kind: {'type': 'object', 'fields': {name: definition}}.")
    )
    limits = serializers.DictField(child=serializers.IntegerField())


# --- the forms schema -----------------------------------------------------------------------------


def _code_list_of(field: serializers.Field) -> str | None:
    """The code list a CodeField reads (from its queryset's filter)."""
    where = getattr(getattr(getattr(field, "queryset", None), "query", None), "where", None)
    stack = list(getattr(where, "children", []))
    while stack:
        node = stack.pop()
        if hasattr(node, "children"):
            stack.extend(node.children)
            continue
        lhs = getattr(node, "lhs", None)
        target = getattr(lhs, "target", None)
        if getattr(target, "name", None) == "name" and isinstance(getattr(node, "rhs", None), str):
            return str(node.rhs)
    return None


def field_schema(field: serializers.Field) -> dict[str, Any]:
    out: dict[str, Any] = {"required": bool(field.required)}
    if getattr(field, "allow_null", False):
        out["nullable"] = True
    if field.label:
        out["label"] = str(field.label)
    if field.help_text:
        out["help"] = str(field.help_text)
    if isinstance(field, serializers.ListSerializer):
        out.update(type="array", items=serializer_schema(field.child))  # type: ignore[arg-type]
    elif isinstance(field, serializers.Serializer):
        out.update(type="object", fields=serializer_schema(field)["fields"])
    elif isinstance(field, CodeField):
        out.update(type="code", code_list=_code_list_of(field))
    elif isinstance(field, serializers.ChoiceField):
        out.update(type="string", enum=[str(k) for k in field.choices])
        if getattr(field, "allow_blank", False):
            out["enum"].append("")
    elif isinstance(field, serializers.BooleanField):
        out["type"] = "boolean"
    elif isinstance(field, serializers.IntegerField):
        out["type"] = "integer"
        if field.min_value is not None:
            out["minimum"] = field.min_value
        if field.max_value is not None:
            out["maximum"] = field.max_value
    elif isinstance(field, serializers.DateField):
        out.update(type="string", format="date", pattern=r"^\d{4}-\d{2}-\d{2}$")
    elif isinstance(field, serializers.UUIDField):
        out.update(type="string", format="uuid")
    elif isinstance(field, serializers.CharField):
        out["type"] = "string"
        if field.max_length is not None:
            out["maxLength"] = field.max_length
        if field.min_length is not None:
            out["minLength"] = field.min_length
        out["allowBlank"] = bool(field.allow_blank)
    else:
        # An area key (county-047) or a public id: a string the server checks.
        out["type"] = "string"
    default = getattr(field, "default", serializers.empty)
    if default is not serializers.empty and not callable(default) and default is not None:
        out["default"] = default
    return out


def serializer_schema(serializer: serializers.Serializer) -> dict[str, Any]:
    """The fields' rules; a serializer's ``schema_extra`` adds the rules its ``validate`` applies
    across fields (``required_without``: required when the named field is empty;
    ``required_with``: required when it is filled in)."""
    fields = {name: field_schema(f) for name, f in serializer.fields.items()}
    for name, extra in getattr(serializer, "schema_extra", {}).items():
        fields[name].update(extra)
    return {"type": "object", "fields": fields}


def forms_schema() -> dict[str, Any]:
    return {
        "kinds": {kind: serializer_schema(cls()) for kind, cls in ITEM_SERIALIZERS.items()},
        "limits": {
            "max_items": MAX_ITEMS,
            "max_item_bytes": MAX_ITEM_BYTES,
            "max_cases": int(getattr(settings, "CPIMS_OFFLINE_MAX_CASES", 200)),
        },
    }

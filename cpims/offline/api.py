"""The offline app's part of /api/v1/ (registered by cpims/api/urls.py): devices, sync down and up,
the forms schema and the sync log. The contract is in docs/offline.md."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.drf import validated
from cpims.offline import actions, queries
from cpims.offline.models import SyncLog
from cpims.offline.serializers import (
    MAX_ITEMS,
    DeviceCreateSerializer,
    DeviceRegisteredSerializer,
    DeviceSerializer,
    FormsSchemaSerializer,
    SyncDownQuerySerializer,
    SyncDownSerializer,
    SyncLogSerializer,
    SyncUpResultSerializer,
    SyncUpSerializer,
    forms_schema,
)

TAGS = ["offline"]


def _require_offline(request: AuthenticatedApiRequest) -> None:
    if not queries.may_work_offline(request.user):
        raise PermissionDenied


class DeviceViewSet(viewsets.ViewSet):
    """Devices registered for offline work. POST registers one and answers its secret (once);
    GET lists your own; POST .../revoke/ revokes one of yours, or (user.manage) of a user you manage."""

    permission_classes = [IsAuthenticated]
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    @extend_schema(tags=TAGS, responses=DeviceSerializer(many=True))
    def list(self, request: AuthenticatedApiRequest) -> Response:
        return Response(DeviceSerializer(queries.devices_for(request.user), many=True).data)

    @extend_schema(tags=TAGS, request=DeviceCreateSerializer, responses={201: DeviceRegisteredSerializer})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        _require_offline(request)
        d = validated(DeviceCreateSerializer, request)
        device = actions.device_register(actor=request.user, label=d["label"], request=request._request)
        body = {"device_id": str(device.public_id), "device_secret": device.secret, "max_cases": queries.max_cases()}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, request=None, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        device = queries.device_for(request.user, public_id, manage=True)
        device = actions.device_revoke(actor=request.user, device=device, request=request._request)
        return Response(DeviceSerializer(device).data)


class SyncView(APIView):
    """Sync down (GET) the records you work on in the field; sync up (POST) what you did offline."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="offline_sync_down",
        parameters=[
            OpenApiParameter("device", str, required=True, description="The device id."),
            OpenApiParameter("cursor", str, required=False, description="The cursor of the last sync (opaque)."),
        ],
        responses=SyncDownSerializer,
    )
    def get(self, request: AuthenticatedApiRequest) -> Response:
        _require_offline(request)
        query = SyncDownQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        device = queries.device_for(request.user, query.validated_data["device"])
        result = queries.sync_down(request.user, device, query.validated_data["cursor"])
        size = len(json.dumps(result.body, separators=(",", ":")))
        actions.sync_logged(
            actor=request.user,
            device=device,
            direction=SyncLog.Direction.DOWN,
            size=size,
            request=request._request,
            full=result.full,
            cases=result.cases,
            persons=result.persons,
            removed=result.removed,
        )
        return Response(result.body)

    @extend_schema(
        tags=TAGS, operation_id="offline_sync_up", request=SyncUpSerializer, responses=SyncUpResultSerializer
    )
    def post(self, request: AuthenticatedApiRequest) -> Response:
        _require_offline(request)
        raw = request.data
        if isinstance(raw, dict) and isinstance(raw.get("items"), list) and len(raw["items"]) > MAX_ITEMS:
            raise serializers.ValidationError({"items": [_too_many()]})
        d = validated(SyncUpSerializer, request)
        device = queries.device_for(request.user, d["device"])
        if device.is_revoked:
            actions.sync_logged(
                actor=request.user, device=device, direction=SyncLog.Direction.UP, size=0, request=request._request
            )
            return Response({"results": [], "wipe": True})
        results = actions.sync_up(actor=request.user, device=device, items=d["items"], request=request._request)
        return Response({"results": [r.as_dict() for r in results], "wipe": False})


def _too_many() -> str:
    return _("Send at most %(n)d items at a time.") % {"n": MAX_ITEMS}


class FormsView(APIView):
    """The field definitions of each sync-up kind, derived from the serializers that check them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="offline_forms",
        responses=FormsSchemaSerializer,
    )
    def get(self, request: AuthenticatedApiRequest) -> Response:
        _require_offline(request)
        return Response(forms_schema())


class SyncLogView(APIView):
    """The latest syncs of your own devices (counts and sizes)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, operation_id="offline_sync_log", responses=SyncLogSerializer(many=True))
    def get(self, request: AuthenticatedApiRequest) -> Response:
        return Response(SyncLogSerializer(queries.sync_logs_for(request.user), many=True).data)


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    router.register("offline/devices", DeviceViewSet, basename="offlinedevice")


api_urlpatterns: list[Any] = [
    path("offline/sync/", SyncView.as_view(), name="offline-sync"),
    path("offline/forms/", FormsView.as_view(), name="offline-forms"),
    path("offline/sync-log/", SyncLogView.as_view(), name="offline-sync-log"),
]

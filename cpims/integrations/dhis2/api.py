"""API of the dhis2 app, mounted under /api/v1/ by cpims/api/urls.py.

* ``dhis2/push-logs/`` (list, detail): the push history; national dhis2.push holders only.
* ``dhis2/data-value-set/?period=2026/27-Q1[&county=047]``: the JSON dataValueSets a push would send.
* ``dhis2/category-option-combos/`` and ``dhis2/org-units/[?county=047]`` (lists, read-only): the
  mapping of sex x age band and of our areas and offices to DHIS2. Edited on the pages only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.integrations.dhis2 import queries
from cpims.integrations.dhis2.models import CategoryOptionComboMapping, OrgUnitMapping, PushLog


class PushLogSerializer(serializers.ModelSerializer):
    server = serializers.CharField(source="server.name", read_only=True, allow_null=True)
    by = serializers.CharField(source="actor_username", read_only=True)
    conflicts = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), read_only=True)
    org_units = serializers.SerializerMethodField()

    class Meta:
        model = PushLog
        fields = [
            "public_id",
            "server",
            "by",
            "period",
            "period_dhis2",
            "org_units",
            "dry_run",
            "status",
            "http_status",
            "attempts",
            "values_built",
            "values_sent",
            "imported",
            "updated",
            "ignored",
            "deleted",
            "conflicts",
            "message",
            "payload_sha256",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_org_units(self, obj: PushLog) -> list[str]:
        """The DHIS2 org units of the push (their UIDs)."""
        return [ou.get("uid", "") for ou in obj.org_units]


class NationalPusherMixin:
    request: Request

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not queries.can_push(request.user):
            raise PermissionDenied


@extend_schema(tags=["dhis2"])
class PushLogViewSet(NationalPusherMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """DHIS2 pushes and dry runs, newest first, with DHIS2's import summary. National DHIS2 users only."""

    queryset = PushLog.objects.all()
    serializer_class = PushLogSerializer
    view_permission = P.DHIS2_PUSH

    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().select_related("server")


class CategoryOptionComboMappingSerializer(serializers.ModelSerializer):
    class Meta:
        model = CategoryOptionComboMapping
        fields = ["sex", "band", "uid", "name", "is_placeholder"]
        read_only_fields = fields


class OrgUnitMappingSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    key = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnitMapping
        fields = ["kind", "key", "label", "uid", "code", "name", "is_active", "is_placeholder"]
        read_only_fields = fields

    def get_kind(self, obj: OrgUnitMapping) -> str:
        """county, sub_county (an area) or office (one of our org units)."""
        return obj.area.level if obj.area_id else "office"

    def get_key(self, obj: OrgUnitMapping) -> str:
        """Our identifier: the area key (county-047, sub_county-274) or the org unit's code."""
        return obj.area.key if obj.area_id else obj.org_unit.code

    def get_label(self, obj: OrgUnitMapping) -> str:
        """Our name of the area or org unit."""
        return obj.area.name if obj.area_id else obj.org_unit.name


@extend_schema(tags=["dhis2"])
class CategoryOptionComboMappingViewSet(NationalPusherMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Sex x DCS age band -> DHIS2 category option combo. National DHIS2 users only."""

    serializer_class = CategoryOptionComboMappingSerializer
    request: AuthenticatedApiRequest  # the permission classes let only a signed-in user through
    filter_backends: list = []

    def get_queryset(self) -> Any:
        return queries.coc_mappings(self.request.user)


@extend_schema(
    tags=["dhis2"],
    parameters=[
        OpenApiParameter(
            "county",
            OpenApiTypes.STR,
            required=False,
            description=_("Official county code, e.g. 047: that county, its sub-counties and offices"),
        )
    ],
)
class OrgUnitMappingViewSet(NationalPusherMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Our counties, sub-counties and offices -> DHIS2 org units (all of them, or one county's).
    National DHIS2 users only."""

    serializer_class = OrgUnitMappingSerializer
    request: AuthenticatedApiRequest  # the permission classes let only a signed-in user through
    filter_backends: list = []

    def get_queryset(self) -> Any:
        code = self.request.query_params.get("county")
        try:
            county = queries.county_by_code(code) if code else None
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from exc
        return queries.org_unit_mappings(self.request.user, county=county, everything=county is None)


_DATA_VALUES = inline_serializer(
    "Dhis2DataValue",
    many=True,
    fields={
        "dataElement": serializers.CharField(),
        "period": serializers.CharField(),
        "orgUnit": serializers.CharField(),
        "categoryOptionCombo": serializers.CharField(),
        "attributeOptionCombo": serializers.CharField(required=False),
        "value": serializers.CharField(),
    },
)


class DataValueSetView(APIView):
    """The DHIS2 data value set (JSON ``dataValueSets``) a push of the period would send."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["dhis2"],
        operation_id="dhis2_data_value_set",
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, required=True, description=_("e.g. 2026-07, 2026/27-Q1")),
            OpenApiParameter(
                "county", OpenApiTypes.STR, required=False, description=_("Official county code, e.g. 047")
            ),
        ],
        responses={
            200: inline_serializer(
                "Dhis2DataValueSet",
                {
                    "dataSet": serializers.CharField(required=False),
                    "period": serializers.CharField(),
                    "orgUnit": serializers.CharField(required=False),
                    "completeDate": serializers.DateField(required=False),
                    "dataValues": _DATA_VALUES,
                },
            )
        },
    )
    def get(self, request: AuthenticatedApiRequest) -> Response:
        if not queries.can_push(request.user):
            raise PermissionDenied
        try:
            period = queries.parse_period(request.query_params.get("period", ""))
            code = request.query_params.get("county")
            county = queries.county_by_code(code) if code else None
            dvs = queries.data_value_set(request.user, period=period, county=county)
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return Response(dvs.to_json())


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    router.register("dhis2/push-logs", PushLogViewSet, basename="dhis2pushlog")
    router.register("dhis2/category-option-combos", CategoryOptionComboMappingViewSet, basename="dhis2cocmapping")
    router.register("dhis2/org-units", OrgUnitMappingViewSet, basename="dhis2orgunitmapping")


api_urlpatterns: list = [path("dhis2/data-value-set/", DataValueSetView.as_view(), name="dhis2-data-value-set")]

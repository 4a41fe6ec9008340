"""Monthly returns API (read-only) and completeness, mounted under /api/v1/ by cpims/api/urls.py.

* ``GET /api/v1/returns/`` and ``/api/v1/returns/<public_id>/``: the returns the caller may see
  (``return.submit`` or ``return.approve`` over them); other returns answer 404.
* ``GET /api/v1/returns/completeness/?period=2026-07&group_by=county&area=county-047``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.periods import Period
from cpims.returns import queries
from cpims.returns.models import MonthlyReturn


class ReturnSerializer(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    org_unit_code = serializers.CharField(source="org_unit.code", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    county = serializers.CharField(source="county.key", read_only=True, allow_null=True, default=None)
    sub_county = serializers.CharField(source="sub_county.key", read_only=True, allow_null=True, default=None)
    period = serializers.SerializerMethodField()
    prefilled = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    paper = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = MonthlyReturn
        fields = [
            "public_id",
            "kind",
            "org_unit",
            "org_unit_code",
            "org_unit_name",
            "county",
            "sub_county",
            "period",
            "due_on",
            "status",
            "version",
            "revision",
            "on_time",
            "first_submitted_at",
            "submitted_at",
            "approved_at",
            "prefilled",
            "paper",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_period(self, obj: MonthlyReturn) -> str:
        return obj.period.code


class CompletenessRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    area = serializers.CharField(source="area_key", help_text=_("Area key, e.g. county-047; empty for the total."))
    label = serializers.CharField()
    expected = serializers.IntegerField()
    received = serializers.IntegerField()
    on_time = serializers.IntegerField()
    completeness_pct = serializers.FloatField(allow_null=True)
    timeliness_pct = serializers.FloatField(allow_null=True)


class ReturnsPermission(BasePermission):
    """Lists and records need return.submit or return.approve; completeness also report.view_aggregate."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(view, "action", None) == "completeness":
            return queries.can_view_completeness(user)
        return queries.can_view_returns(user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=MonthlyReturn.Status.values),
            OpenApiParameter("month", OpenApiTypes.STR, description=_("A month code, e.g. 2026-07.")),
        ]
    )
)
class ReturnViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly returns visible to the caller. A return outside the caller's scope answers 404."""

    queryset = MonthlyReturn.objects.all()
    serializer_class = ReturnSerializer
    # Seeing a return takes return.submit or return.approve; both are checked by the queries.
    view_permission = P.RETURN_SUBMIT
    permission_classes = [ReturnsPermission]
    request: AuthenticatedApiRequest  # the permission classes let only a signed-in user through

    def get_queryset(self) -> QuerySet[MonthlyReturn]:
        qs = queries.returns_visible_to(self.request.user).select_related("org_unit", "county", "sub_county")
        status = self.request.query_params.get("status", "")
        if status in MonthlyReturn.Status.values:
            qs = qs.filter(status=status)
        period = queries.month_of(self.request.query_params.get("month"))
        if period is not None:
            qs = qs.filter(month=period.start)
        return qs.order_by("-month", "org_unit__name", "pk")

    def get_object(self) -> Model:
        return queries.return_for(self.request.user, self.kwargs["public_id"])

    @extend_schema(
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, required=True, description=_("e.g. 2026-07, 2026/27-Q1")),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=["county", "sub_county"]),
            OpenApiParameter("area", OpenApiTypes.STR, description=_("An area key, e.g. county-047.")),
        ],
        responses=CompletenessRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def completeness(self, request: AuthenticatedApiRequest) -> Response:
        """Completeness (received ÷ expected) and timeliness (on time ÷ expected) of monthly returns."""
        try:
            period = Period.parse(request.query_params.get("period", ""))
        except ValueError as exc:
            raise serializers.ValidationError({"period": [str(exc)]}) from exc
        group_by = request.query_params.get("group_by") or None
        if group_by not in (None, "county", "sub_county"):
            raise serializers.ValidationError({"group_by": [_("Use county or sub_county.")]})
        area = None
        if request.query_params.get("area"):
            area = queries.area_by_key(request.query_params["area"])
            if area is None or not queries.area_visible(request.user, area):
                raise NotFound
        rows = queries.completeness(request.user, period=period, area=area, group_by=group_by)
        return Response(CompletenessRowSerializer(rows, many=True).data)


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    router.register("returns", ReturnViewSet, basename="return")


api_urlpatterns: list = []

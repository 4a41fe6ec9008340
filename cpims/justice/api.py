"""Justice API: the justice tracks of cases of children in conflict with the law, with their
remands and reports — list and read.

Registered by cpims/api/urls.py (``APP_APIS``) as ``justice-tracks`` (basename ``justicetrack``).
Every request needs ``case.view_sensitive`` (403 without it); a track on a case outside the
caller's scope answers 404. Changes are made on the pages (``cpims.justice.actions``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.core.drf import public_id_ref
from cpims.justice.models import JusticeReport, JusticeTrack, Remand


class RemandSerializer(serializers.ModelSerializer):
    institution = public_id_ref()
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    court_session = public_id_ref()

    class Meta:
        model = Remand
        fields = [
            "public_id",
            "institution",
            "institution_name",
            "court_session",
            "started_on",
            "ended_on",
            "end_reason",
        ]
        read_only_fields = fields


class JusticeReportSerializer(serializers.ModelSerializer):
    court_session = public_id_ref()

    class Meta:
        model = JusticeReport
        fields = ["public_id", "kind", "submitted_on", "court_session", "recommendation", "notes"]
        read_only_fields = fields


class JusticeTrackSerializer(serializers.ModelSerializer):
    """A justice track: police, diversion or court, remands, reports, disposition and aftercare.
    Linked records (court session, court order, care placement) are given by their public ids."""

    case = public_id_ref()
    police_station = public_id_ref()
    plea_session = public_id_ref()
    disposition_order = public_id_ref()
    placement = public_id_ref()
    remands = RemandSerializer(many=True, read_only=True)
    reports = JusticeReportSerializer(many=True, read_only=True)

    class Meta:
        model = JusticeTrack
        fields = [
            "public_id",
            "case",
            "ob_number",
            "police_station",
            "charge",
            "arrested_on",
            "route",
            "route_on",
            "diversion_notes",
            "plea_session",
            "bail",
            "bail_terms",
            "bail_on",
            "remands",
            "reports",
            "disposition",
            "disposed_on",
            "disposition_order",
            "placement",
            "order_expires_on",
            "aftercare_started_on",
            "aftercare_plan",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List justice tracks"),
    retrieve=extend_schema(summary="Read a justice track"),
)
class JusticeTrackViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Justice tracks of children in conflict with the law within your scope (needs the
    permission to see sensitive case sections)."""

    queryset = JusticeTrack.objects.all()
    serializer_class = JusticeTrackSerializer
    view_permission = P.CASE_VIEW_SENSITIVE
    lookup_field = "public_id"
    http_method_names = ["get", "head", "options"]
    filter_backends: list[Any] = []

    def get_base_queryset(self) -> Any:
        return (
            JusticeTrack.objects.select_related(
                "case", "police_station", "plea_session", "disposition_order", "placement"
            )
            .prefetch_related(
                Prefetch("remands", queryset=Remand.objects.select_related("institution", "court_session")),
                Prefetch("reports", queryset=JusticeReport.objects.select_related("court_session")),
            )
            .order_by("-arrested_on", "-id")
        )


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    router.register("justice-tracks", JusticeTrackViewSet, basename="justicetrack")


api_urlpatterns: list = []

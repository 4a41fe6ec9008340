"""API of the reporting app, mounted under /api/v1/ by cpims/api/urls.py.

    GET /api/v1/reports/caseload/?period=2025/26&area=county-047&rows=category&bands=dcs  (or area=region-01)
    GET /api/v1/reports/downloads/<public_id>/

Figures are scoped like the pages and suppressed for aggregate-only callers (stakeholders);
downloads are visible to their owner only (404 for anyone else).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core import ages, files
from cpims.core.periods import Period
from cpims.reporting import downloads, queries

ROW_CHOICES = sorted((set(queries.DIMENSIONS) - {"sex", "dcs_band", "knbs_band"}) | {queries.SERVICES})


class ColumnSerializer(serializers.Serializer):
    sex = serializers.CharField()
    band = serializers.CharField()
    label = serializers.CharField()


class TableRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text=_("Code/area/office id, a value, a month (YYYY-MM) or null.")
    )
    label = serializers.CharField()
    cells = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), help_text=_("One per column; null = suppressed.")
    )
    total = serializers.IntegerField(allow_null=True)


class CaseloadSerializer(serializers.Serializer):
    period = serializers.CharField()
    period_label = serializers.CharField()
    area = serializers.CharField(allow_blank=True)
    office = serializers.CharField(allow_blank=True)
    rows_dimension = serializers.CharField()
    bands = serializers.CharField()
    counts = serializers.ChoiceField(choices=["cases", "categories", "services"])
    suppressed = serializers.BooleanField()
    columns = ColumnSerializer(many=True)
    rows = TableRowSerializer(many=True)
    column_totals = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    total = serializers.IntegerField(allow_null=True)


class DownloadSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    message = serializers.CharField()
    filename = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    file_url = serializers.CharField(allow_null=True, help_text=_("Where the owner fetches the file (a web page URL)."))
    signed_url = serializers.CharField(
        allow_null=True,
        help_text=_("A signed link for API clients to fetch the file with their token; valid for a few minutes."),
    )


def _key(value: Any) -> str | None:
    return None if value is None else queries.format_filter_value(value)


class CaseloadView(APIView):
    """A caseload table: rows (case category by default) × sex × age band for a period and area."""

    @extend_schema(
        operation_id="reports_caseload",
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                description="2025-07, 2025/26-Q1, 2025/26-H1, 2025/26 or 2025 (default: this financial year)",
            ),
            OpenApiParameter(
                "area",
                OpenApiTypes.STR,
                description="region-01 (national users), county-047 or sub_county-274; empty = all in scope",
            ),
            OpenApiParameter(
                "rows", OpenApiTypes.STR, enum=ROW_CHOICES, description="row dimension (default category)"
            ),
            OpenApiParameter("bands", OpenApiTypes.STR, enum=list(ages.SCHEMES), description="dcs (default) or knbs"),
        ],
        responses=CaseloadSerializer,
    )
    def get(self, request: AuthenticatedApiRequest) -> Response:
        user = request.user
        if not scope.has_perm(user, P.REPORT_VIEW_AGGREGATE):
            raise PermissionDenied
        code = request.query_params.get("period")
        try:
            period = Period.parse(code) if code else Period.containing("fy", timezone.localdate())
        except ValueError as exc:
            raise ValidationError({"period": [str(exc)]}) from None
        rows = request.query_params.get("rows") or "category"
        if rows not in ROW_CHOICES:
            raise ValidationError({"rows": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ROW_CHOICES)}]})
        bands = request.query_params.get("bands") or ages.DCS
        if bands not in ages.SCHEMES:
            raise ValidationError({"bands": [_("Choose dcs or knbs.")]})
        try:
            area = queries.area_from_key(user, request.query_params.get("area") or None)
            office = queries.org_unit_from_id(user, request.query_params.get("office") or None)
            table = queries.caseload_table(user, period=period, rows=rows, bands=bands, area=area, org_unit=office)
        except DjangoValidationError as exc:
            raise ValidationError({"non_field_errors": exc.messages}) from None
        data = {
            "period": period.code,
            "period_label": period.label,
            "area": area.key if area else "",
            "office": str(office.public_id) if office else "",
            "rows_dimension": rows,
            "bands": bands,
            "counts": "services" if rows == queries.SERVICES else "cases" if table.cases_only else "categories",
            "suppressed": table.suppressed,
            "columns": [{"sex": c.sex, "band": c.band, "label": c.label} for c in table.columns],
            "rows": [
                {"key": _key(row.key), "label": row.label, "cells": [v for _c, v in cells], "total": total}
                for row, cells, total in table.lines()
            ],
            "column_totals": [v for _c, v in table.totals_line()],
            "total": table.total,
        }
        return Response(CaseloadSerializer(data).data)


class DownloadStatusView(APIView):
    """The status of one of your own background downloads (404 for anyone else's)."""

    @extend_schema(operation_id="reports_download_status", responses=DownloadSerializer)
    def get(self, request: AuthenticatedApiRequest, public_id: Any) -> Response:
        from django.urls import reverse

        download = downloads.download_for(request.user, public_id)
        done = download.status == download.Status.DONE
        data = {
            "public_id": download.public_id,
            "kind": download.kind,
            "status": download.status,
            "progress": download.progress,
            "message": download.message,
            "filename": download.filename,
            "created_at": download.created_at,
            "finished_at": download.finished_at,
            "file_url": reverse("reporting:download_file", kwargs={"public_id": download.public_id}) if done else None,
            "signed_url": files.signed_file_url(
                user=request.user, kind="download", ref=str(download.public_id), api=True
            )
            if done
            else None,
        }
        return Response(DownloadSerializer(data).data)


def register_routes(router: Any) -> None:
    """This app has plain API views only (api_urlpatterns)."""


api_urlpatterns: list = [
    path("reports/caseload/", CaseloadView.as_view(), name="reports-caseload"),
    path("reports/downloads/<uuid:public_id>/", DownloadStatusView.as_view(), name="reports-download"),
]

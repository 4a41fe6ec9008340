"""Bulk import over the API, mounted under /api/v1/ by cpims/api/urls.py.

* ``POST /api/v1/imports/`` (multipart: ``kind``, ``file``): stores the file and answers its dry run
  (every row's problems, by row and column); nothing is imported.
* ``GET /api/v1/imports/<public_id>/``: the dry run again (the caller's own uploads only; 404 otherwise).
* ``POST /api/v1/imports/<public_id>/confirm/`` (``clean_only``): imports the file when it is clean,
  or only its clean rows when ``clean_only`` is true.

All need ``data.import`` and the kind's own permission (403 otherwise); rows outside the caller's
scope are row errors, as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.imports import actions, queries
from cpims.imports.kinds.base import all_kinds
from cpims.imports.models import ImportBatch
from cpims.imports.running import Report


class RowErrorSerializer(serializers.Serializer):
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class RowResultSerializer(serializers.Serializer):
    row = serializers.IntegerField(source="number")
    status = serializers.ChoiceField(choices=["ok", "error", "duplicate"])
    messages = serializers.SerializerMethodField()
    neutralised = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(RowErrorSerializer(many=True))
    def get_messages(self, obj: Any) -> list[dict[str, str]]:
        return [{"column": column, "message": message} for column, message in obj.errors]


class ImportResultSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    committed = serializers.BooleanField()
    rows = serializers.IntegerField()
    clean = serializers.IntegerField()
    error_rows = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    imported = serializers.IntegerField()
    problems = RowResultSerializer(many=True)


class UploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[])
    file = serializers.FileField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [k.code for k in all_kinds()]  # type: ignore[attr-defined]


class ConfirmSerializer(serializers.Serializer):
    clean_only = serializers.BooleanField(default=False)


def _result(batch: ImportBatch, report: Report) -> dict[str, Any]:
    return ImportResultSerializer(
        {
            "public_id": batch.public_id,
            "kind": batch.kind,
            "status": batch.status,
            "committed": report.committed,
            "rows": report.total or batch.rows,
            "clean": report.clean_count,
            "error_rows": report.error_count,
            "duplicates": report.duplicate_count,
            "imported": batch.imported,
            "problems": report.problems,
        }
    ).data


def _invalid(exc: ValidationError) -> DRFValidationError:
    return DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class ImportUploadView(APIView):
    """Upload a file for a dry run: every row's problems; nothing is imported."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=["imports"], request=UploadSerializer, responses={201: ImportResultSerializer})
    def post(self, request: AuthenticatedApiRequest) -> Response:
        scope.require_perm(request.user, queries.DATA_IMPORT)
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            batch, report = actions.import_upload(
                actor=request.user,
                kind=data.validated_data["kind"],
                upload=data.validated_data["file"],
                request=request,
            )
        except ValidationError as exc:
            raise _invalid(exc) from exc
        return Response(_result(batch, report), status=status.HTTP_201_CREATED)


class ImportDetailView(APIView):
    """An upload of the caller's, with its dry run worked out again."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["imports"], responses=ImportResultSerializer)
    def get(self, request: AuthenticatedApiRequest, public_id: str) -> Response:
        batch = queries.batch_for(request.user, public_id)
        try:
            report = actions.import_check(actor=request.user, batch=batch, request=request)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        return Response(_result(batch, report))


class ImportConfirmView(APIView):
    """Import a checked upload: all rows when clean, or only the clean rows with ``clean_only``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["imports"], request=ConfirmSerializer, responses=ImportResultSerializer)
    def post(self, request: AuthenticatedApiRequest, public_id: str) -> Response:
        batch = queries.batch_for(request.user, public_id)
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = actions.import_run(
                actor=request.user, batch=batch, clean_only=data.validated_data["clean_only"], request=request
            )
        except ValidationError as exc:
            raise _invalid(exc) from exc
        batch.refresh_from_db()
        return Response(_result(batch, report))


def register_routes(router: Any) -> None:
    """This app has plain API views only (api_urlpatterns)."""


api_urlpatterns: list[Any] = [
    path("imports/", ImportUploadView.as_view(), name="import-upload"),
    path("imports/<uuid:public_id>/", ImportDetailView.as_view(), name="import-detail"),
    path("imports/<uuid:public_id>/confirm/", ImportConfirmView.as_view(), name="import-confirm"),
]

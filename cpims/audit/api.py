"""Read-only API over the audit log, for a security team's log collector (SIEM) or an auditor's tool.

Same rules as the list page: audit.view required, the same filters (validated by the same form),
and every successful read is itself recorded as an ``audit.search`` event with ``via: api``.
Pages follow a cursor, so a collector can walk tens of millions of events without COUNT(*) or
deep offsets. Events are listed, never fetched one by one: they carry no public id, and the
database id is not exposed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.audit import actions
from cpims.audit.forms import AuditFilterForm
from cpims.audit.models import AuditEvent
from cpims.audit.queries import search_events


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.UUIDField(
        source="actor.public_id",
        read_only=True,
        allow_null=True,
        help_text=_("Public id of the acting user; null for anonymous events such as a failed sign-in."),
    )

    class Meta:
        model = AuditEvent
        fields = [
            "at",
            "actor",
            "actor_username",
            "action",
            "outcome",
            "object_type",
            "object_id",
            "object_label",
            "ip",
            "details",
        ]
        read_only_fields = fields


class HasAuditView(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return scope.has_perm(request.user, P.AUDIT_VIEW)


class AuditEventPagination(CursorPagination):
    page_size = 50
    ordering = ("-at", "-id")


_FILTER_PARAMETERS = [
    OpenApiParameter("username", OpenApiTypes.STR, description=_("Exact user name recorded on the event.")),
    OpenApiParameter("action", OpenApiTypes.STR, description=_("Action code, for example auth.login.")),
    OpenApiParameter("object_type", OpenApiTypes.STR, description=_("Object type, for example accounts.user.")),
    OpenApiParameter(
        "object_id", OpenApiTypes.STR, description=_("Object id; needs object_type, as ids are unique per type.")
    ),
    OpenApiParameter(
        "outcome",
        OpenApiTypes.STR,
        enum=[value for value, _label in AuditEvent.Outcome.choices],
        description=_("Outcome."),
    ),
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, description=_("First day, inclusive, in Kenya time (Africa/Nairobi).")
    ),
    OpenApiParameter(
        "date_to", OpenApiTypes.DATE, description=_("Last day, inclusive, in Kenya time (Africa/Nairobi).")
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary=_("List audit events"),
        description=_("Audit events, newest first, filtered; needs the audit.view permission. Reading is audited."),
        parameters=_FILTER_PARAMETERS,
    )
)
class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated, HasAuditView]
    pagination_class = AuditEventPagination
    # The filters are read by AuditFilterForm below, the same form the list page and export use.
    filter_backends: list[Any] = []
    queryset = AuditEvent.objects.none()

    def permission_denied(self, request: Request, message: str | None = None, code: str | None = None) -> None:
        if request.user and request.user.is_authenticated:
            actions.audit_denied_record(actor=request.user, action=actions.SEARCH, request=request, via="api")
        super().permission_denied(request, message=message, code=code)

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise ValidationError({name: [e["message"] for e in errs] for name, errs in errors.items()})
        self.filters = form.filters()
        return search_events(self.request.user, **self.filters)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        actions.audit_search_record(actor=request.user, filters=self.filters, request=request, via="api")
        return response

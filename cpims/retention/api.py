"""Retention API: the schedule (read, change), legal holds (list, place, release) and runs (read).

Registered through ``register_routes`` (cpims/api/urls.py, APP_APIS) as retention-rules,
legal-holds and retention-runs. National, not scoped by area: everything needs retention.manage
(403 without it). Writes go through cpims.retention.actions (audited); a rule change carries the
``version`` the client read and is refused (400, code "stale") when someone changed it since.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.drf import validated, version_field
from cpims.core.formviews import pick
from cpims.retention import actions, queries
from cpims.retention.actions import MAX_PERIOD
from cpims.retention.models import LegalHold, RetentionRule, RetentionRun


class MayManageRetention(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return scope.has_perm(request.user, P.RETENTION_MANAGE)


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionRule
        fields = ["public_id", "kind", "period", "unit", "action", "enabled", "reason", "version", "updated_at"]
        read_only_fields = fields


class RuleUpdateSerializer(serializers.Serializer):
    period = serializers.IntegerField(min_value=1, max_value=MAX_PERIOD)
    unit = serializers.ChoiceField(choices=RetentionRule.Unit.choices)
    enabled = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    version = version_field()


class HoldSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.case_number", read_only=True, default=None)
    cpims_number = serializers.CharField(source="person.cpims_number", read_only=True, default=None)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = LegalHold
        fields = ["public_id", "case_number", "cpims_number", "reason", "until", "active", "created_at", "released_at"]
        read_only_fields = fields


class HoldCreateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60, help_text="A case number or a CPIMS number.")
    reason = serializers.CharField(max_length=2000)
    until = serializers.DateField(required=False, allow_null=True)


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionRun
        fields = ["public_id", "dry_run", "status", "created_at", "finished_at", "report", "reviewed_at"]
        read_only_fields = fields


class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RuleSerializer
    permission_classes = [IsAuthenticated, MayManageRetention]
    lookup_field = "public_id"
    queryset = RetentionRule.objects.none()

    def get_queryset(self) -> QuerySet[RetentionRule]:
        if getattr(self, "swagger_fake_view", False):
            return RetentionRule.objects.none()
        return queries.rules_for(self.request.user)

    @extend_schema(request=RuleUpdateSerializer, responses=RuleSerializer)
    def partial_update(self, request: AuthenticatedApiRequest, public_id: Any = None) -> Response:
        rule = self.get_object()
        data = validated(RuleUpdateSerializer, request)
        rule = actions.rule_update(
            actor=request.user,
            rule=rule,
            expected_version=data["version"],
            request=request,
            **pick(data, *actions.RULE_FIELDS),
        )
        return Response(RuleSerializer(rule).data)


class HoldViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = HoldSerializer
    permission_classes = [IsAuthenticated, MayManageRetention]
    lookup_field = "public_id"
    queryset = LegalHold.objects.none()

    def get_queryset(self) -> QuerySet[LegalHold]:
        if getattr(self, "swagger_fake_view", False):
            return LegalHold.objects.none()
        return queries.holds_for(self.request.user)

    @extend_schema(request=HoldCreateSerializer, responses={201: HoldSerializer})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        data = validated(HoldCreateSerializer, request)
        hold = actions.hold_place_by_number(
            actor=request.user, number=data["number"], reason=data["reason"], until=data.get("until"), request=request
        )
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=HoldSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: AuthenticatedApiRequest, public_id: Any = None) -> Response:
        hold = actions.hold_release(actor=request.user, hold=self.get_object(), request=request)
        return Response(HoldSerializer(hold).data)


class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RunSerializer
    permission_classes = [IsAuthenticated, MayManageRetention]
    lookup_field = "public_id"
    queryset = RetentionRun.objects.none()

    def get_queryset(self) -> QuerySet[RetentionRun]:
        if getattr(self, "swagger_fake_view", False):
            return RetentionRun.objects.none()
        return queries.runs_for(self.request.user)


def register_routes(router: Any) -> None:
    router.register("retention-rules", RuleViewSet, basename="retentionrule")
    router.register("legal-holds", HoldViewSet, basename="legalhold")
    router.register("retention-runs", RunViewSet, basename="retentionrun")


api_urlpatterns: list[Any] = []

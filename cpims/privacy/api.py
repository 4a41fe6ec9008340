"""Data protection API: the subject request register and the breach register — list, read,
create. Only the data protection officer's role (national, ``privacy.requests`` /
``privacy.breaches``) reaches them; anyone else is refused with 403.

Registered by cpims/api/urls.py::

    router.register("subject-requests", SubjectRequestViewSet, basename="subjectrequest")
    router.register("breaches", BreachViewSet, basename="breach")
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.drf import validated
from cpims.privacy import actions, queries
from cpims.privacy.models import Breach, SubjectRequest


class SubjectRequestSerializer(serializers.ModelSerializer):
    child = serializers.CharField(source="child.cpims_number", read_only=True)

    class Meta:
        model = SubjectRequest
        fields = [
            "public_id",
            "reference",
            "kind",
            "child",
            "requester_name",
            "requester_relationship",
            "identity_checked",
            "identity_note",
            "received_on",
            "due_on",
            "details",
            "status",
            "export_made_at",
            "redaction_reviewed_at",
            "refusal_reason",
            "outcome_note",
            "closed_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SubjectRequestCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SubjectRequest.Kind.choices)
    child = serializers.CharField(max_length=20, help_text="The child's CPIMS number.")
    requester_name = serializers.CharField(max_length=200)
    requester_relationship = serializers.ChoiceField(choices=SubjectRequest.Relationship.choices)
    identity_checked = serializers.ChoiceField(choices=SubjectRequest.IdentityCheck.choices)
    identity_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    received_on = serializers.DateField()
    details = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class BreachSerializer(serializers.ModelSerializer):
    notify_by = serializers.DateTimeField(read_only=True)
    people_count = serializers.SerializerMethodField()

    class Meta:
        model = Breach
        fields = [
            "public_id",
            "reference",
            "title",
            "description",
            "discovered_at",
            "notify_by",
            "occurred_from",
            "occurred_to",
            "records_affected",
            "people_estimate",
            "people_count",
            "status",
            "commissioner_notified_at",
            "subjects_informed_at",
            "closed_at",
            "closure_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_people_count(self, obj: Breach) -> int:
        return obj.people.count()


class BreachCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    discovered_at = serializers.DateTimeField()
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    occurred_from = serializers.DateTimeField(required=False, allow_null=True, default=None)
    occurred_to = serializers.DateTimeField(required=False, allow_null=True, default=None)
    records_affected = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    people_estimate = serializers.IntegerField(min_value=0, max_value=100_000_000, required=False, allow_null=True)


class TouchedWindowSerializer(serializers.Serializer):
    touched_by = serializers.CharField(max_length=150, help_text="Username (an API token acts as its user).")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class TouchedChildSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    cpims_number = serializers.CharField()
    county = serializers.CharField(source="county.code", allow_null=True, default=None)


class TouchedSerializer(serializers.Serializer):
    events = serializers.IntegerField(help_text="Audit events of the user in the window.")
    truncated = serializers.BooleanField(help_text="More children than the list holds.")
    children = TouchedChildSerializer(many=True, source="people")


class TouchedAddedSerializer(serializers.Serializer):
    added = serializers.IntegerField()


class _RegisterViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "post", "head", "options"]
    filter_backends: list[Any] = []


@extend_schema_view(
    list=extend_schema(summary="List subject access and correction requests"),
    retrieve=extend_schema(summary="Read a subject request"),
    create=extend_schema(
        summary="Register a subject request",
        request=SubjectRequestCreateSerializer,
        responses={201: SubjectRequestSerializer},
    ),
)
class SubjectRequestViewSet(_RegisterViewSet):
    queryset = SubjectRequest.objects.all()
    serializer_class = SubjectRequestSerializer
    view_permission = P.PRIVACY_REQUESTS
    write_permission = P.PRIVACY_REQUESTS

    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().select_related("child").order_by("due_on", "id")

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        d = validated(SubjectRequestCreateSerializer, request)
        child = queries.child_by_number(request.user, d.pop("child"))
        if child is None:
            raise ValidationError({"child": [_("No child with this CPIMS number.")]})
        obj = actions.subject_request_register(actor=request.user, child=child, request=request, **d)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List the breach register"),
    retrieve=extend_schema(summary="Read a breach"),
    create=extend_schema(
        summary="Record a suspected breach (the 72-hour clock starts at discovered_at)",
        request=BreachCreateSerializer,
        responses={201: BreachSerializer},
    ),
)
class BreachViewSet(_RegisterViewSet):
    queryset = Breach.objects.all()
    serializer_class = BreachSerializer
    view_permission = P.PRIVACY_BREACHES
    write_permission = P.PRIVACY_BREACHES

    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().prefetch_related("people").order_by("-discovered_at", "-id")

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        d = validated(BreachCreateSerializer, request)
        obj = actions.breach_record(actor=request.user, request=request, **d)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def _window(self, request: AuthenticatedApiRequest) -> dict[str, Any]:
        data = request.query_params if request.method == "GET" else request.data
        serializer = TouchedWindowSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        d = dict(serializer.validated_data)
        touched_by = queries.actors(request.user).filter(username=d.pop("touched_by")).first()
        if touched_by is None:
            raise ValidationError({"touched_by": [_("No user with this username.")]})
        return {"touched_by": touched_by, **d}

    @extend_schema(
        summary="The children a user (or their API token) touched in a time window, from the audit log",
        parameters=[
            OpenApiParameter("touched_by", str, required=True),
            OpenApiParameter("start", str, required=True, description="ISO 8601 date-time"),
            OpenApiParameter("end", str, required=True, description="ISO 8601 date-time"),
        ],
        request=None,
        responses={200: TouchedSerializer},
    )
    @action(detail=True, methods=["get"], url_path="touched")
    def touched(self, request: AuthenticatedApiRequest, **kwargs: Any) -> Response:
        window = self._window(request)
        breach = cast(Breach, self.get_object())
        found = actions.breach_touched_lookup(actor=request.user, breach=breach, request=request, **window)
        return Response(TouchedSerializer(found).data)

    @extend_schema(
        summary="Add to the breach the children a user touched in a time window",
        request=TouchedWindowSerializer,
        responses={200: TouchedAddedSerializer},
    )
    @touched.mapping.post
    def touched_add(self, request: AuthenticatedApiRequest, **kwargs: Any) -> Response:
        window = self._window(request)
        breach = cast(Breach, self.get_object())
        added = actions.breach_people_add(actor=request.user, breach=breach, request=request, **window)
        return Response({"added": added})

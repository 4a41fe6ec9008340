"""Court API: sessions, orders and summons of a case — list, read, create, update.

Registered by cpims/api/urls.py::

    router.register("court-sessions", CourtSessionViewSet, basename="courtsession")
    router.register("court-orders", CourtOrderViewSet, basename="courtorder")
    router.register("summonses", SummonsViewSet, basename="summons")

Scope follows the case (cpims.accounts.scope): a record on a case outside the caller's scope is
404, one on a case the caller may only read is 403 to a change. Writes go through
cpims.court.actions (one transaction, audited, on the case's timeline).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.cases import queries as case_queries
from cpims.core.drf import CodeField, code_ref, public_id_ref, validated
from cpims.court import actions, queries
from cpims.court.models import ORDER_LIST, OUTCOME_LIST, PLEA_LIST, SESSION_TYPE_LIST, CourtOrder, CourtSession, Summons
from cpims.geo.models import OrgUnit

# --- Serializers ----------------------------------------------------------------------------------


class CourtField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            slug_field="public_id", queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.COURT, is_active=True), **kwargs
        )


class CaseField(serializers.SlugRelatedField):
    """The case (public id); on writes it must be a case the caller may work on."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="public_id", read_only=True, **kwargs)


class CourtOrderSerializer(serializers.ModelSerializer):
    session = public_id_ref()
    order_type = code_ref()
    order_type_label = serializers.CharField(source="order_type.label", read_only=True)

    class Meta:
        model = CourtOrder
        fields = [
            "public_id",
            "session",
            "order_type",
            "order_type_label",
            "made_on",
            "period_months",
            "expires_on",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CourtSessionSerializer(serializers.ModelSerializer):
    """A court session as the API returns it (codes are DCS codes)."""

    case = CaseField()
    court = public_id_ref()
    court_label = serializers.CharField(read_only=True)
    session_type = code_ref()
    plea = code_ref()
    outcome = code_ref()
    orders = CourtOrderSerializer(many=True, read_only=True)

    class Meta:
        model = CourtSession
        fields = [
            "public_id",
            "case",
            "court",
            "court_name",
            "court_label",
            "session_type",
            "held_on",
            "plea",
            "outcome",
            "next_date",
            "notes",
            "version",
            "orders",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CourtSessionWriteSerializer(serializers.Serializer):
    session_type = CodeField(SESSION_TYPE_LIST, help_text=_("Session type code (courtsession_type_id), e.g. STHR."))
    held_on = serializers.DateField()
    court = CourtField(required=False, allow_null=True, default=None, help_text=_("Children's court (public id)."))
    court_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Court name if not in the list.")
    )
    plea = CodeField(PLEA_LIST, required=False, allow_null=True, default=None)
    outcome = CodeField(OUTCOME_LIST, required=False, allow_null=True, default=None)
    next_date = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CourtSessionCreateSerializer(CourtSessionWriteSerializer):
    case = serializers.UUIDField(help_text=_("The case (public id)."))


class CourtSessionUpdateSerializer(CourtSessionWriteSerializer):
    version = serializers.IntegerField(
        help_text=_("The version of the session as read; a stale value is refused (someone changed it since).")
    )


class CourtOrderWriteSerializer(serializers.Serializer):
    order_type = CodeField(ORDER_LIST, help_text=_("Order code (court_order_id), e.g. OSUP."))
    made_on = serializers.DateField(required=False, allow_null=True, default=None)
    period_months = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=240)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CourtOrderCreateSerializer(CourtOrderWriteSerializer):
    session = serializers.UUIDField(help_text=_("The court session (public id)."))


class SummonsSerializer(serializers.ModelSerializer):
    case = CaseField()

    class Meta:
        model = Summons
        fields = [
            "public_id",
            "case",
            "person_role",
            "person_name",
            "issued_on",
            "due_on",
            "status",
            "honoured_on",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SummonsCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField(help_text=_("The case (public id)."))
    person_role = serializers.CharField(max_length=120, help_text=_("E.g. parent, witness."))
    person_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class SummonsUpdateSerializer(serializers.Serializer):
    honoured = serializers.BooleanField(help_text=_("Whether the summoned person appeared."))
    honoured_on = serializers.DateField(required=False, allow_null=True, default=None)


CASE_PARAM = OpenApiParameter("case", OpenApiTypes.UUID, description="Only records of this case (public id).")


def _by_case(request: Request, qs: Any, path: str) -> Any:
    case_id = request.query_params.get("case")
    if not case_id:
        return qs
    try:
        return qs.filter(**{f"{path}public_id": uuid.UUID(case_id)})
    except ValueError:  # a malformed id matches nothing
        return qs.none()


# --- Viewsets -------------------------------------------------------------------------------------


class _CourtViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    view_permission = P.CASE_VIEW
    write_permission = P.CASE_UPDATE
    lookup_field = "public_id"
    http_method_names = ["get", "post", "put", "head", "options"]
    filter_backends: list[Any] = []

    def _written(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_base_queryset().get(pk=obj.pk)).data, status=code)


@extend_schema_view(
    list=extend_schema(summary="List court sessions", parameters=[CASE_PARAM]),
    retrieve=extend_schema(summary="Read a court session"),
    create=extend_schema(
        summary="Record a court session on a case",
        request=CourtSessionCreateSerializer,
        responses={201: CourtSessionSerializer},
    ),
    update=extend_schema(
        summary="Correct a court session (send the version you read)",
        request=CourtSessionUpdateSerializer,
        responses=CourtSessionSerializer,
    ),
)
class CourtSessionViewSet(_CourtViewSet):
    """Court sessions (application, plea, hearing, mention) of the cases in your scope, with their
    outcomes, next court dates and orders."""

    queryset = CourtSession.objects.all()
    serializer_class = CourtSessionSerializer

    def get_base_queryset(self) -> Any:
        qs = CourtSession.objects.select_related("case", "court", "session_type", "plea", "outcome").prefetch_related(
            "orders__order_type", "orders__session"
        )
        return _by_case(self.request, qs, "case__").order_by("-held_on", "-id")

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        d = validated(CourtSessionCreateSerializer, request)
        case = case_queries.case_for(request.user, d.pop("case"), write=P.CASE_UPDATE)
        session = actions.court_session_record(actor=request.user, case=case, request=request._request, **d)
        return self._written(session, status.HTTP_201_CREATED)

    def update(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        d = validated(CourtSessionUpdateSerializer, request)
        session = actions.court_session_update(
            actor=request.user, session=session, expected_version=d.pop("version"), request=request._request, **d
        )
        return self._written(session)


@extend_schema_view(
    list=extend_schema(summary="List court orders", parameters=[CASE_PARAM]),
    retrieve=extend_schema(summary="Read a court order"),
    create=extend_schema(
        summary="Record a court order made at a session",
        request=CourtOrderCreateSerializer,
        responses={201: CourtOrderSerializer},
    ),
    update=extend_schema(
        summary="Correct a court order", request=CourtOrderWriteSerializer, responses=CourtOrderSerializer
    ),
)
class CourtOrderViewSet(_CourtViewSet):
    """Orders made by the courts on the cases in your scope."""

    queryset = CourtOrder.objects.all()
    serializer_class = CourtOrderSerializer

    def get_base_queryset(self) -> Any:
        qs = CourtOrder.objects.select_related("session", "session__case", "order_type")
        return _by_case(self.request, qs, "session__case__").order_by("made_on", "id")

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        d = validated(CourtOrderCreateSerializer, request)
        session = queries.session_for(request.user, d.pop("session"), write=P.CASE_UPDATE)
        order = actions.court_order_add(actor=request.user, session=session, request=request._request, **d)
        return self._written(order, status.HTTP_201_CREATED)

    def update(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        order = self.get_object()
        d = validated(CourtOrderWriteSerializer, request)
        d["made_on"] = d["made_on"] or order.made_on
        order = actions.court_order_update(actor=request.user, order=order, request=request._request, **d)
        return self._written(order)


@extend_schema_view(
    list=extend_schema(summary="List summonses", parameters=[CASE_PARAM]),
    retrieve=extend_schema(summary="Read a summons"),
    create=extend_schema(
        summary="Record a summons issued on a case", request=SummonsCreateSerializer, responses={201: SummonsSerializer}
    ),
    update=extend_schema(
        summary="Record whether a summons was honoured", request=SummonsUpdateSerializer, responses=SummonsSerializer
    ),
)
class SummonsViewSet(_CourtViewSet):
    """Summonses issued on the cases in your scope, and whether they were honoured."""

    queryset = Summons.objects.all()
    serializer_class = SummonsSerializer

    def get_base_queryset(self) -> Any:
        qs = Summons.objects.select_related("case")
        return _by_case(self.request, qs, "case__").order_by("-issued_on", "-id")

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        d = validated(SummonsCreateSerializer, request)
        case = case_queries.case_for(request.user, d.pop("case"), write=P.CASE_UPDATE)
        summons = actions.summons_issue(actor=request.user, case=case, request=request._request, **d)
        return self._written(summons, status.HTTP_201_CREATED)

    def update(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        summons = self.get_object()
        data = validated(SummonsUpdateSerializer, request)
        summons = actions.summons_mark(actor=request.user, summons=summons, request=request._request, **data)
        return self._written(summons)

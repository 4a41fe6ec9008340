"""Care API: placements (list, read, admit, status change, transfer) and institutions with their
population. Mounted under /api/v1/ by cpims/api/urls.py through ``register_routes``::

    router.register("placements", PlacementViewSet, basename="placement")
    router.register("institutions", InstitutionViewSet, basename="institution")

Scope (cpims.accounts.scope): a placement outside the caller's scope is 404 (an institution
manager sees only the children placed with them); one the caller may only read is 403 to a change.
Writes go through cpims.care.actions (one transaction, audited).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.care import actions, queries
from cpims.care.forms import ADMISSION_FIELDS
from cpims.care.models import (
    ADMISSION_REASON_LIST,
    ADMISSION_TYPE_LIST,
    CARE_TYPE_LIST,
    DISCHARGE_TYPE_LIST,
    Placement,
)
from cpims.cases import queries as case_queries
from cpims.core.drf import CodeField, code_ref, expected_version, public_id_ref, validated, version_field
from cpims.geo.models import OrgUnit
from cpims.registry import queries as registry_queries

# --- Serializers ----------------------------------------------------------------------------------


class UnitField(serializers.SlugRelatedField):
    def __init__(self, kinds: Any, **kwargs: Any) -> None:
        super().__init__(slug_field="public_id", queryset=OrgUnit.objects.filter(kind__in=kinds), **kwargs)


class PlacementSerializer(serializers.ModelSerializer):
    """A placement as the API returns it (codes are DCS codes; people and units by public id)."""

    child = public_id_ref()
    case = public_id_ref()
    institution = public_id_ref()
    court = public_id_ref()
    care_type = code_ref()
    admission_type = code_ref()
    admission_reason = code_ref()
    discharge_type = code_ref()
    previous = public_id_ref()

    class Meta:
        model = Placement
        fields = [
            "public_id",
            "child",
            "case",
            *ADMISSION_FIELDS,
            "court",
            "court_name",
            "order_number",
            "order_date",
            "order_period_months",
            "order_expires_on",
            "status",
            "status_on",
            "ended_on",
            "discharge_type",
            "previous",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrderSerializerMixin(serializers.Serializer):
    court = UnitField([OrgUnit.Kind.COURT], required=False, allow_null=True, default=None)
    court_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    order_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    order_date = serializers.DateField(required=False, allow_null=True, default=None)
    order_period_months = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=240
    )


class PlacementCreateSerializer(OrderSerializerMixin):
    child = serializers.UUIDField(help_text=_("The child (public id)."))
    case = serializers.UUIDField(required=False, allow_null=True, default=None, help_text=_("The case (public id)."))
    care_type = CodeField(CARE_TYPE_LIST, help_text=_("Type of care (alternative_family_care_type_id), e.g. AFIC."))
    institution = UnitField(
        OrgUnit.INSTITUTION_KINDS,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Institution (public id)."),
    )
    caregiver_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    admitted_on = serializers.DateField()
    admission_type = CodeField(ADMISSION_TYPE_LIST, help_text=_("admission_type_id, e.g. TANA."))
    admission_reason = CodeField(ADMISSION_REASON_LIST, help_text=_("admission_reason_id, e.g. RACP."))
    first_review_due = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[s for s in Placement.Status.values if s != "transferred"])
    on = serializers.DateField()
    discharge_type = CodeField(DISCHARGE_TYPE_LIST, required=False, allow_null=True, default=None)
    follow_up_due = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = version_field(
        required=False,
        allow_null=True,
        help_text=_("The version you read (or send it as If-Match); a missing or stale value is refused."),
    )


class TransferSerializer(serializers.Serializer):
    to_institution = UnitField(OrgUnit.INSTITUTION_KINDS, help_text=_("Institution (public id)."))
    on = serializers.DateField()
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = version_field(
        required=False,
        allow_null=True,
        help_text=_("The version you read (or send it as If-Match); a missing or stale value is refused."),
    )


STATUS_PARAM = OpenApiParameter(
    "show", OpenApiTypes.STR, enum=["active", "ended", "all"], description="Active (default), ended or all placements."
)
INSTITUTION_PARAM = OpenApiParameter("institution", OpenApiTypes.UUID, description="Only this institution.")
CHILD_PARAM = OpenApiParameter("child", OpenApiTypes.UUID, description="Only this child.")


@extend_schema_view(
    list=extend_schema(summary="List placements", parameters=[STATUS_PARAM, INSTITUTION_PARAM, CHILD_PARAM]),
    retrieve=extend_schema(summary="Read a placement"),
    create=extend_schema(
        summary="Admit a child to care", request=PlacementCreateSerializer, responses={201: PlacementSerializer}
    ),
)
class PlacementViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Placements of children in institutions and alternative family care within your scope."""

    queryset = Placement.objects.all()
    serializer_class = PlacementSerializer
    view_permission = P.PLACEMENT_VIEW
    write_permission = P.PLACEMENT_MANAGE
    lookup_field = "public_id"
    http_method_names = ["get", "post", "head", "options"]
    filter_backends: list[Any] = []

    def get_base_queryset(self) -> Any:
        qs = Placement.objects.select_related(
            "child",
            "case",
            "institution",
            "court",
            "care_type",
            "admission_type",
            "admission_reason",
            "discharge_type",
            "previous",
        ).order_by("-admitted_on", "-id")
        if self.action == "list":
            params = self.request.query_params
            show = params.get("show", "active")
            if show == "active":
                qs = qs.filter(ended_on__isnull=True)
            elif show == "ended":
                qs = qs.filter(ended_on__isnull=False)
            for name, path in (("institution", "institution__public_id"), ("child", "child__public_id")):
                if params.get(name):
                    try:
                        qs = qs.filter(**{path: uuid.UUID(params[name])})
                    except ValueError:  # a malformed id matches nothing
                        qs = qs.none()
        return qs

    def _written(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_base_queryset().get(pk=obj.pk)).data, status=code)

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        d = validated(PlacementCreateSerializer, request)
        child = registry_queries.person_for(request.user, d.pop("child"))
        case_id = d.pop("case")
        case = case_queries.case_for(request.user, case_id) if case_id else None
        order = actions.OrderInput(
            court=d.pop("court"),
            court_name=d.pop("court_name"),
            number=d.pop("order_number"),
            date=d.pop("order_date"),
            period_months=d.pop("order_period_months"),
        )
        placement = actions.placement_admit(
            actor=request.user, child=child, case=case, order=order, request=request._request, **d
        )
        return self._written(placement, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a status change or discharge", request=StatusChangeSerializer, responses=PlacementSerializer
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: AuthenticatedApiRequest, public_id: Any = None) -> Response:
        placement = self.get_object()
        d = validated(StatusChangeSerializer, request)
        version = expected_version(request, d)
        placement = actions.placement_status_change(
            actor=request.user, placement=placement, expected_version=version, request=request._request, **d
        )
        return self._written(placement)

    @extend_schema(
        summary="Transfer to another institution (closes this placement, opens the next)",
        request=TransferSerializer,
        responses={201: PlacementSerializer},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: AuthenticatedApiRequest, public_id: Any = None) -> Response:
        placement = self.get_object()
        d = validated(TransferSerializer, request)
        version = expected_version(request, d)
        nxt = actions.placement_transfer(
            actor=request.user, placement=placement, expected_version=version, request=request._request, **d
        )
        return Response(PlacementSerializer(nxt).data, status=status.HTTP_201_CREATED)


class CapacitySerializer(serializers.Serializer):
    sex = serializers.CharField()
    band = serializers.CharField()
    places = serializers.IntegerField()
    occupied = serializers.IntegerField()
    vacancies = serializers.IntegerField()


PopulationSerializer = inline_serializer(
    "InstitutionPopulation",
    {
        "institution": serializers.UUIDField(),
        "on": serializers.DateField(),
        "total": serializers.IntegerField(),
        "resident": serializers.IntegerField(),
        "on_leave": serializers.IntegerField(),
        "escaped": serializers.IntegerField(),
        "by_sex": serializers.DictField(child=serializers.IntegerField()),
        "by_age_band": serializers.DictField(child=serializers.IntegerField()),
        "by_admission_reason": serializers.DictField(child=serializers.IntegerField()),
        "capacity": serializers.IntegerField(),
        "vacancies": serializers.IntegerField(),
        "over_capacity": serializers.BooleanField(),
        "capacity_rows": CapacitySerializer(many=True),
        "admissions_this_month": serializers.IntegerField(),
        "exits_this_month": serializers.IntegerField(),
    },
)


class InstitutionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    on_roll = serializers.IntegerField(read_only=True)
    capacity = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["public_id", "code", "name", "kind", "on_roll", "capacity"]
        read_only_fields = fields


ON_PARAM = OpenApiParameter("on", OpenApiTypes.DATE, description="The day (default today).")


@extend_schema_view(
    list=extend_schema(summary="List institutions with their roll and capacity"),
    retrieve=extend_schema(summary="Read an institution"),
)
class InstitutionViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Children's institutions (CCIs and statutory institutions) within your scope."""

    queryset = OrgUnit.objects.all()
    serializer_class = InstitutionSerializer
    view_permission = P.PLACEMENT_VIEW
    lookup_field = "public_id"
    http_method_names = ["get", "head", "options"]
    filter_backends: list[Any] = []

    def get_base_queryset(self) -> Any:
        return queries._with_roll(OrgUnit.objects.filter(kind__in=OrgUnit.INSTITUTION_KINDS)).order_by("name", "id")

    @extend_schema(
        summary="Population of an institution on a day", parameters=[ON_PARAM], responses=PopulationSerializer
    )
    @action(detail=True, methods=["get"])
    def population(self, request: AuthenticatedApiRequest, public_id: Any = None) -> Response:
        unit = self.get_object()
        raw = request.query_params.get("on")
        try:
            on = dt.date.fromisoformat(raw) if raw else None
        except ValueError as exc:
            raise DRFValidationError({"on": [_("Enter a date as YYYY-MM-DD.")]}) from exc
        pop = queries.population(request.user, unit, on=on)
        return Response(
            {
                "institution": str(unit.public_id),
                "on": pop.on.isoformat(),
                "total": pop.total,
                "resident": pop.resident,
                "on_leave": pop.on_leave,
                "escaped": pop.escaped,
                "by_sex": pop.by_sex,
                "by_age_band": pop.by_band,
                "by_admission_reason": pop.by_reason,
                "capacity": pop.capacity,
                "vacancies": pop.vacancies,
                "over_capacity": pop.over_capacity,
                "capacity_rows": [
                    {"sex": r.sex, "band": r.band, "places": r.places, "occupied": r.occupied, "vacancies": r.vacancies}
                    for r in pop.capacity_rows
                ],
                "admissions_this_month": pop.admissions_month,
                "exits_this_month": pop.discharges_month,
            }
        )


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    router.register("placements", PlacementViewSet, basename="placement")
    router.register("institutions", InstitutionViewSet, basename="institution")


api_urlpatterns: list = []

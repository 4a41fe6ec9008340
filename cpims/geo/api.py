"""REST API for areas (reference data) and organisation units.

Areas are identified by a key unique across levels, ``<level>-<official code>`` (``county-047``,
``sub_county-274``, ``ward-1234``), since the official codes repeat between levels. Org units are
identified by their public id; every read goes through the scope rules and every write through
the actions in :mod:`cpims.geo.actions`. An update must send back the ``updated_at`` it read: if
the unit changed since, the update is refused with 409 and nothing is written.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.drf import code_ref
from cpims.geo import actions, queries
from cpims.geo.models import Area, OrgUnit

AREA_KEY_REGEX = r"(?:region|county|sub_county|ward)-[0-9]{1,8}"


def area_by_key(key: str) -> Area | None:
    level, _sep, code = key.partition("-")
    if level not in Area.Level.values or not code:
        return None
    return Area.objects.filter(level=level, code=code).first()


# --- Areas ------------------------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "nullable": True, "example": "sub_county-274", "pattern": f"^{AREA_KEY_REGEX}$"}
)
class AreaKeyField(serializers.Field):
    """An area written and read as its key, e.g. ``sub_county-274``."""

    default_error_messages = {"invalid": _("Unknown area. Use a key such as county-047 or sub_county-274.")}

    def to_representation(self, value: Area) -> str:
        return value.key

    def to_internal_value(self, data: Any) -> Area:
        area = area_by_key(data) if isinstance(data, str) else None
        if area is None:
            self.fail("invalid")
        return area


class AreaSerializer(serializers.ModelSerializer):
    key = serializers.CharField(read_only=True, help_text=_("Unique key: level and official code."))
    parent = AreaKeyField(read_only=True, allow_null=True, help_text=_("Key of the area above."))
    county = code_ref(allow_null=True, label=_("County"), help_text=_("Official code of the county."))
    sub_county = code_ref(allow_null=True, label=_("Sub-county"), help_text=_("Official code of the sub-county."))
    region = code_ref(
        allow_null=True,
        label=_("Region"),
        help_text=_("Code of the DCS region (01-08) the area lies in, for reporting."),
    )

    class Meta:
        model = Area
        fields = ["key", "level", "code", "name", "parent", "county", "sub_county", "region"]
        read_only_fields = fields


class AreaFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Area.Level.choices, help_text=_("Region, county, sub-county or ward."))
    parent = django_filters.CharFilter(method="filter_parent", help_text=_("Key of the parent area."))
    county = django_filters.CharFilter(field_name="county__code", help_text=_("Official county code, e.g. 047."))

    class Meta:
        model = Area
        fields = ["level", "parent", "county"]

    def filter_parent(self, queryset: QuerySet[Area], name: str, value: str) -> QuerySet[Area]:
        parent = area_by_key(value)
        return queryset.filter(parent=parent) if parent is not None else queryset.none()


_AREA_KEY_PARAM = OpenApiParameter(
    "key", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("Area key, e.g. county-047 or sub_county-274.")
)


@extend_schema_view(
    list=extend_schema(summary=_("List areas"), description=_("Counties, sub-counties and wards, filtered.")),
    retrieve=extend_schema(summary=_("One area"), parameters=[_AREA_KEY_PARAM]),
)
class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Kenya's counties, sub-counties and wards (reference data; any signed-in user)."""

    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    lookup_field = "key"
    lookup_value_regex = AREA_KEY_REGEX
    queryset = Area.objects.select_related("parent", "county", "sub_county", "region").order_by("level", "code")

    def get_object(self) -> Area:
        level, _sep, code = self.kwargs["key"].partition("-")
        try:
            return self.get_queryset().get(level=level, code=code)
        except Area.DoesNotExist as exc:
            raise Http404 from exc


# --- Organisation units -------------------------------------------------------------------------


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record changed since you read it. Nothing was saved.")
    default_code = "stale"


class VisibleOrgUnitField(serializers.SlugRelatedField):
    """A parent unit given by public id, among the units the requesting user may see (and the
    unit's current parent, which may lie outside their scope)."""

    def get_queryset(self) -> QuerySet[OrgUnit]:
        request = self.context.get("request")
        if request is None:
            return OrgUnit.objects.none()
        instance = getattr(self.parent, "instance", None)
        return queries.parent_choices(
            request.user, current_parent_id=instance.parent_id if isinstance(instance, OrgUnit) else None
        )


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = VisibleOrgUnitField(
        slug_field="public_id", required=False, allow_null=True, help_text=_("Public id of the parent unit.")
    )
    area = AreaKeyField(required=False, allow_null=True, help_text=_("Key of the area served, e.g. sub_county-274."))
    county = code_ref(
        allow_null=True, label=_("County"), help_text=_("Official code of the county (derived from the area).")
    )
    sub_county = code_ref(
        allow_null=True, label=_("Sub-county"), help_text=_("Official code of the sub-county (derived from the area).")
    )
    updated_at = serializers.DateTimeField(
        required=False,
        help_text=_("When the unit last changed. An update must send back the value it read."),
    )

    class Meta:
        model = OrgUnit
        fields = [
            "public_id",
            "code",
            "name",
            "kind",
            "parent",
            "area",
            "county",
            "sub_county",
            "phone",
            "email",
            "physical_address",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["public_id", "county", "sub_county", "created_at"]
        # Uniqueness and the other rules are checked by the actions, with their own messages.
        extra_kwargs = {"code": {"validators": []}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "updated_at" not in attrs:
            raise serializers.ValidationError(
                {"updated_at": [_("Send back the updated_at you read, so a newer change is not overwritten.")]}
            )
        return attrs


class OrgUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text=_("Search in name and code."))
    kind = django_filters.ChoiceFilter(choices=OrgUnit.Kind.choices, help_text=_("Type of unit."))
    county = django_filters.CharFilter(field_name="county__code", help_text=_("Official county code, e.g. 047."))
    sub_county = django_filters.CharFilter(
        field_name="sub_county__code", help_text=_("Official sub-county code, e.g. 274.")
    )
    is_active = django_filters.BooleanFilter(help_text=_("Active units only (true) or inactive only (false)."))

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "county", "sub_county", "is_active"]

    def filter_q(self, queryset: QuerySet[OrgUnit], name: str, value: str) -> QuerySet[OrgUnit]:
        return queries.search_orgunits(queryset, value)


_PUBLIC_ID_PARAM = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description=_("Public id of the unit.")
)
_CONFLICT = OpenApiResponse(description=_("The unit changed since updated_at; nothing was written."))


@extend_schema_view(
    list=extend_schema(summary=_("List organisation units"), description=_("The units you may see, filtered.")),
    retrieve=extend_schema(summary=_("One organisation unit"), parameters=[_PUBLIC_ID_PARAM]),
    create=extend_schema(
        summary=_("Create an organisation unit"),
        description=_("Needs the orgunit.manage permission where the new unit lies."),
    ),
    update=extend_schema(
        summary=_("Replace an organisation unit"),
        parameters=[_PUBLIC_ID_PARAM],
        responses={200: OrgUnitSerializer, 409: _CONFLICT},
    ),
    partial_update=extend_schema(
        summary=_("Change an organisation unit"),
        parameters=[_PUBLIC_ID_PARAM],
        responses={200: OrgUnitSerializer, 409: _CONFLICT},
    ),
)
class OrgUnitViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisation units within the caller's scope. Reading needs orgunit.view; creating and
    changing need orgunit.manage over the unit. A unit outside your scope answers 404."""

    queryset = OrgUnit.objects.all()
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    view_permission = P.ORGUNIT_VIEW
    write_permission = P.ORGUNIT_MANAGE
    request: AuthenticatedApiRequest  # ScopedPermission lets only a signed-in user through

    def get_base_queryset(self) -> QuerySet[OrgUnit]:
        return (
            super().get_base_queryset().select_related("parent", "area", "county", "sub_county").order_by("name", "pk")
        )

    def perform_create(self, serializer: OrgUnitSerializer) -> None:  # type: ignore[override]
        data = dict(serializer.validated_data)
        data.pop("updated_at", None)
        serializer.instance = actions.orgunit_create(actor=self.request.user, request=self.request._request, **data)

    def perform_update(self, serializer: OrgUnitSerializer) -> None:  # type: ignore[override]
        data = dict(serializer.validated_data)
        expected = data.pop("updated_at")
        try:
            serializer.instance = actions.orgunit_update(
                actor=self.request.user,
                org_unit=serializer.instance,
                expected_updated_at=expected,
                request=self.request._request,
                **data,
            )
        except actions.StaleEdit as exc:
            raise Conflict(exc.messages[0]) from exc

"""Registry API: children and caregivers — search, read, register, update, duplicate check.

Registered by cpims/api/urls.py as ``router.register("children", ChildViewSet, basename="child")``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.drf import CodeField, code_ref, public_id_ref
from cpims.geo.models import Area, OrgUnit
from cpims.registry import actions, queries
from cpims.registry.actions import PersonInput, RelativeInput
from cpims.registry.models import Consent, Person, Relationship

# --- Serializers ----------------------------------------------------------------------------------


class WardField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("Unknown ward: {value} is not the official code of a ward."),
        "invalid": _("Give the ward's official code."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Area.objects.filter(level=Area.Level.WARD), **kwargs)


class IdentifierSerializer(serializers.Serializer):
    type = CodeField("identifier_type_id", help_text=_("Identifier type code, e.g. ISOV (birth registration)."))
    value = serializers.CharField(max_length=60)


class PersonWriteSerializer(serializers.Serializer):
    """The details of one person as sent by a client."""

    first_name = serializers.CharField(max_length=100)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100)
    other_names = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Person.Sex.choices)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    date_of_birth_estimated = serializers.BooleanField(required=False, default=False)
    age_years = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=120, help_text=_("Age about N years.")
    )
    ward = WardField(required=False, allow_null=True, default=None, help_text=_("Official ward code."))
    village = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    landmark = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    school_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    school_class = CodeField("class_level_id", required=False, allow_null=True, default=None)
    disability = CodeField("disability_type_id", required=False, allow_null=True, default=None)
    birth_certificate = serializers.ChoiceField(
        choices=Person.BirthCertificate.choices, required=False, default=Person.BirthCertificate.UNKNOWN
    )
    identifiers = IdentifierSerializer(many=True, required=False, default=list)

    def to_input(self, data: dict[str, Any], kind: str = Person.Kind.CHILD) -> PersonInput:
        values = {k: v for k, v in data.items() if k != "identifiers" and k in PERSON_INPUT_FIELDS}
        return PersonInput(
            kind=kind, **values, identifiers=[(i["type"], i["value"]) for i in data.get("identifiers", [])]
        )


PERSON_INPUT_FIELDS = frozenset(PersonWriteSerializer._declared_fields) - {"identifiers"}


class RelativeWriteSerializer(PersonWriteSerializer):
    relationship = serializers.ChoiceField(choices=Relationship.Kind.choices)
    parent_status = serializers.ChoiceField(
        choices=Relationship.ParentStatus.choices, required=False, default=Relationship.ParentStatus.ALIVE
    )
    lives_with_child = serializers.BooleanField(required=False, default=True)
    is_household_head = serializers.BooleanField(required=False, default=False)
    # A parent known only to have died may be sent without names.
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, allow_blank=True, default="")

    def to_relative(self, data: dict[str, Any]) -> RelativeInput:
        named = any(data.get(n) for n in ("first_name", "middle_name", "last_name"))
        kind = Person.Kind.CHILD if data["relationship"] == Relationship.Kind.SIBLING else Person.Kind.CAREGIVER
        return RelativeInput(
            kind=data["relationship"],
            person=self.to_input(data, kind) if named else None,
            parent_status=data["parent_status"],
            lives_with_child=data["lives_with_child"],
            is_household_head=data["is_household_head"],
        )


class ChildCreateSerializer(PersonWriteSerializer):
    org_unit = serializers.SlugRelatedField(
        slug_field="public_id",
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Registering org unit (public id); defaults to your only registering unit."),
    )
    relatives = RelativeWriteSerializer(many=True, required=False, default=list)
    child_heads_household = serializers.BooleanField(required=False, default=False)
    consent_given_by = serializers.ChoiceField(
        choices=Consent.GivenBy.choices, required=False, allow_null=True, default=None
    )
    consent_date = serializers.DateField(required=False, allow_null=True, default=None)
    register_anyway = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Register even though likely duplicates were found (after checking them)."),
    )


class ChildUpdateSerializer(PersonWriteSerializer):
    updated_at = serializers.DateTimeField(
        help_text=_("The updated_at of the record as read; a stale value is refused (someone changed it since).")
    )


class IdentifierReadSerializer(serializers.Serializer):
    type = serializers.CharField(source="id_type.code")
    type_label = serializers.CharField(source="id_type.label")
    value = serializers.CharField()


# Who the person is: the same first fields in the full record and in a search result.
_NAME_FIELDS = [
    "public_id",
    "cpims_number",
    "kind",
    "first_name",
    "middle_name",
    "last_name",
    "other_names",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
]


class ChildSerializer(serializers.ModelSerializer):
    """A child or caregiver as the API returns it."""

    ward = code_ref()
    sub_county = code_ref()
    county = code_ref()
    school_class = code_ref()
    disability = code_ref()
    registered_by_unit = public_id_ref()
    merged_into = public_id_ref()
    identifiers = IdentifierReadSerializer(many=True, read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            *_NAME_FIELDS,
            "age",
            "ward",
            "sub_county",
            "county",
            "village",
            "landmark",
            "phone",
            "school_name",
            "school_class",
            "disability",
            "birth_certificate",
            "identifiers",
            "registered_by_unit",
            "is_active",
            "merged_into",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ChildSummarySerializer(serializers.ModelSerializer):
    ward = code_ref()
    county = code_ref()

    class Meta:
        model = Person
        fields = [*_NAME_FIELDS, "ward", "county"]
        read_only_fields = fields


class SearchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    capped = serializers.BooleanField(help_text=_("True when more matched than are ranked: narrow the search."))
    notice = serializers.CharField(allow_blank=True)
    results = ChildSummarySerializer(many=True)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, help_text=_("Names (any order), number or ID."))
    cpims_number = serializers.CharField(required=False, allow_blank=True)
    identifier = serializers.CharField(required=False, allow_blank=True)
    identifier_type = CodeField("identifier_type_id", required=False)
    kind = serializers.ChoiceField(choices=Person.Kind.choices, required=False)
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False)
    age_min = serializers.IntegerField(required=False, min_value=0, max_value=120)
    age_max = serializers.IntegerField(required=False, min_value=0, max_value=120)
    age = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("About this age: ranks names that match equally well, closest age first; does not filter."),
    )
    date_of_birth = serializers.DateField(
        required=False,
        help_text=_("About this date of birth: ranks names that match equally well, closest first; does not filter."),
    )
    dob_from = serializers.DateField(required=False)
    dob_to = serializers.DateField(required=False)
    county = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level=Area.Level.COUNTY), required=False
    )
    sub_county = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level=Area.Level.SUB_COUNTY), required=False
    )
    ward = WardField(required=False)
    page = serializers.IntegerField(required=False, min_value=1, default=1)

    def to_filters(self) -> queries.SearchFilters:
        data = dict(self.validated_data)
        data.pop("page", None)
        return queries.SearchFilters(**data)


class CandidateSerializer(serializers.Serializer):
    person = ChildSummarySerializer()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    definite = serializers.BooleanField(
        help_text=_("The same identifier number, verified with IPRS: the same person, whatever the names say.")
    )


class DuplicatesSerializer(serializers.Serializer):
    detail = serializers.CharField()
    candidates = CandidateSerializer(many=True)


def _likely_duplicates(candidates: list[queries.Candidate]) -> Response:
    detail = _(
        "This child may already be registered. Check the candidates, then send register_anyway=true "
        "if none is this child."
    )
    return Response(
        {"detail": str(detail), "candidates": _candidates_data(candidates)}, status=status.HTTP_409_CONFLICT
    )


def _candidates_data(candidates: list[queries.Candidate]) -> list[dict[str, Any]]:
    return [
        {
            "person": ChildSummarySerializer(c.person).data,
            "score": c.score,
            "reasons": [str(r) for r in c.reasons],
            "definite": c.definite,
        }
        for c in candidates
    ]


# --- Viewset -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List or search children and caregivers",
        description=(
            "Without any parameter: every child and caregiver in your scope, newest first, "
            f"{queries.PAGE_SIZE} a page (`page`). With names, a number, an identifier or filters: "
            "the matches in your scope. Audited either way."
        ),
        parameters=[SearchQuerySerializer],
        responses=SearchResultSerializer,
    ),
    retrieve=extend_schema(summary="Read a child or caregiver (audited)", responses=ChildSerializer),
)
class ChildViewSet(
    ScopedViewSetMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Children and caregivers in your scope. Names are searched in any order and tolerate
    misspellings; every search and every read is audited."""

    queryset = Person.objects.all()
    serializer_class = ChildSerializer
    view_permission = P.CHILD_VIEW
    write_permission = P.CHILD_UPDATE
    action_write_permissions = {"create": P.CHILD_CREATE, "duplicates": P.CHILD_CREATE, "search": P.CHILD_VIEW}
    lookup_field = "public_id"
    pagination_class = None
    filter_backends: list[Any] = []

    def get_base_queryset(self) -> Any:
        return (
            Person.objects.select_related(
                "ward", "sub_county", "county", "school_class", "disability", "registered_by_unit", "merged_into"
            )
            .prefetch_related("identifiers__id_type")
            .all()
        )

    def list(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        return self._search(request, request.query_params)

    @extend_schema(
        summary="Search children and caregivers (POST: keeps names out of URLs and access logs)",
        request=SearchQuerySerializer,
        responses=SearchResultSerializer,
    )
    @action(detail=False, methods=["post"])
    def search(self, request: AuthenticatedApiRequest) -> Response:
        return self._search(request, request.data)

    def _search(self, request: AuthenticatedApiRequest, params: Any) -> Response:
        query = SearchQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        result = queries.search_people(
            request.user,
            query.to_filters(),
            page=query.validated_data["page"],
            request=request._request,
            via="api",
            list_when_empty=True,
        )
        body = {
            "count": result.total,
            "page": result.page,
            "pages": result.pages,
            "capped": result.capped,
            "notice": result.notice,
            "results": ChildSummarySerializer(result.people, many=True).data,
        }
        return Response(body)

    def retrieve(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        person = self.get_object()
        queries.audit_view(request.user, person, request=request._request, via="api")
        return Response(ChildSerializer(person).data)

    def _units(self, request: AuthenticatedApiRequest, unit: OrgUnit | None) -> OrgUnit:
        allowed = queries.registering_units(request.user)
        if unit is None:
            if len(allowed) != 1:
                raise serializers.ValidationError(
                    {"org_unit": [_("You register for several units: say which one (org_unit).")]}
                )
            return allowed[0]
        if unit.pk not in {u.pk for u in allowed}:
            raise PermissionDenied
        return unit

    @extend_schema(
        summary="Register a child (with caregivers and siblings)",
        request=ChildCreateSerializer,
        responses={
            201: ChildSerializer,
            409: OpenApiResponse(DuplicatesSerializer, description="Likely duplicates: check them first."),
        },
    )
    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        incoming = ChildCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        unit = self._units(request, data["org_unit"])
        child = incoming.to_input(data)
        relatives = [RelativeWriteSerializer().to_relative(r) for r in data["relatives"]]
        anyway = data["register_anyway"]
        if not anyway:
            candidates = queries.duplicate_candidates(
                request.user, child, relatives=relatives, request=request._request
            )
            if candidates:
                return _likely_duplicates(candidates)
        try:
            registration = actions.child_register(
                actor=request.user,
                org_unit=unit,
                child=child,
                relatives=relatives,
                child_heads_household=data["child_heads_household"],
                consent_given_by=data["consent_given_by"],
                consent_date=data["consent_date"],
                request=request._request,
                via="api",
                recheck=None if anyway else queries.duplicate_recheck(request.user, child, relatives),
            )
        except actions.LikelyDuplicates as exc:
            return _likely_duplicates(exc.candidates)
        person = self.get_base_queryset().get(pk=registration.child.pk)
        return Response(ChildSerializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Update a child or caregiver", request=ChildUpdateSerializer, responses=ChildSerializer)
    def update(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        incoming = ChildUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        expected = data.pop("updated_at")
        actions.person_update(
            actor=request.user,
            person=person,
            data=incoming.to_input(data, person.kind),
            expected_updated_at=expected,
            request=request._request,
            via="api",
        )
        return Response(ChildSerializer(self.get_base_queryset().get(pk=person.pk)).data)

    @extend_schema(
        summary="Check for likely duplicates before registering",
        request=ChildCreateSerializer,
        responses=DuplicatesSerializer,
    )
    @action(detail=False, methods=["post"])
    def duplicates(self, request: AuthenticatedApiRequest) -> Response:
        incoming = ChildCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        relatives = [RelativeWriteSerializer().to_relative(r) for r in data["relatives"]]
        candidates = queries.duplicate_candidates(
            request.user, incoming.to_input(data), relatives=relatives, request=request._request
        )
        detail = _("Likely duplicates found.") if candidates else _("No likely duplicate found.")
        return Response({"detail": str(detail), "candidates": _candidates_data(candidates)})

"""Cases API: cases (list, read, open, update, workflow transitions) and services.

To register in cpims/api/urls.py::

    router.register("cases", CaseViewSet, basename="case")
    router.register("services", ServiceRecordViewSet, basename="servicerecord")
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.audit.actions import audit_record
from cpims.cases import actions, queries, workflow
from cpims.cases.models import Case, CaseAccess, CaseCategory, Perpetrator, ServiceRecord
from cpims.core.drf import CodeField, code_ref, etag, expected_version, public_id_ref, validated, version_field
from cpims.core.formviews import pick
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit
from cpims.registry import queries as registry_queries


class SubCategoryField(serializers.CharField):
    """A code of the category's sub-list; read as the code. Codes repeat across lists, so the code
    is looked up in the chosen category's sub-list (CategorySerializer.validate)."""

    def to_representation(self, value: Any) -> str:
        return str(getattr(value, "code", value))


class CategorySerializer(serializers.Serializer):
    category = CodeField("case_category_id")
    sub_category = SubCategoryField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=20,
        help_text=_("A code of the category's sub-list."),
    )
    date_of_event = serializers.DateField(required=False, allow_null=True)
    nature = CodeField("case_nature_id", required=False, allow_null=True)
    place_of_event = CodeField("event_place_id", required=False, allow_null=True)
    intervention = serializers.CharField(source="intervention.code", read_only=True, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        code = attrs.get("sub_category")
        if not code:
            attrs["sub_category"] = None
            return attrs
        category = attrs["category"]
        sub = (
            Code.objects.filter(code_list_id=category.sub_list_id, code=code, is_active=True).first()
            if category.sub_list_id
            else None
        )
        if sub is None:
            raise serializers.ValidationError(
                {
                    "sub_category": _("“%(sub)s” is not a sub-category of “%(category)s”.")
                    % {"sub": code, "category": category.label}
                }
            )
        attrs["sub_category"] = sub
        return attrs


class PerpetratorSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    relationship = CodeField("perpetrator_id", required=False, allow_null=True)
    # Required, no default: "unknown" is sent when it is not known (no silent defaults).
    sex = serializers.ChoiceField(
        choices=["male", "female", "unknown"], help_text=_("The perpetrator's sex; send “unknown” if it is not known.")
    )
    age = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)


class PerpetratorOutSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    relationship = serializers.CharField(source="relationship.code", read_only=True, allow_null=True, default=None)
    sex = serializers.CharField(read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)


class CaseAccessSerializer(serializers.Serializer):
    """A grant in force on the case: who has access and why (Data Protection Act 2019)."""

    public_id = serializers.UUIDField(read_only=True)
    org_unit = serializers.UUIDField(source="org_unit.public_id", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    user = serializers.CharField(
        source="user.username", read_only=True, allow_null=True, default=None, help_text=_("Emergency access only.")
    )
    reason = serializers.CharField(read_only=True)
    basis = serializers.ChoiceField(choices=CaseAccess.Basis.choices, read_only=True)
    consent = serializers.UUIDField(source="consent.public_id", read_only=True, allow_null=True, default=None)
    granted_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)


class CaseSerializer(serializers.ModelSerializer):
    child = public_id_ref()
    office = public_id_ref()
    reporter_type = code_ref()
    risk_level = code_ref()
    closure_outcome = code_ref()
    categories = CategorySerializer(many=True, read_only=True)
    # Alleged perpetrators: not a sensitive section (the case page shows them to every case
    # viewer); the sensitive fields (Case.SENSITIVE_FIELDS) stay out of the API.
    perpetrators = PerpetratorOutSerializer(many=True, read_only=True)
    event_ward = code_ref()
    access = CaseAccessSerializer(many=True, read_only=True, source="access_in_force")

    class Meta:
        model = Case
        fields = [
            "public_id",
            "case_number",
            "status",
            "version",
            "child",
            "office",
            "reported_on",
            "reporter_type",
            "risk_level",
            "police_ob_number",
            "notes",
            "recommendations",
            "closure_outcome",
            "closed_on",
            "event_ward",
            "categories",
            "perpetrators",
            "access",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CaseWriteSerializer(serializers.Serializer):
    reported_on = serializers.DateField(required=False)
    reporter_type = CodeField("case_reporter_id", required=False, allow_null=True)
    reporter_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reporter_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reporter_relationship = serializers.CharField(max_length=120, required=False, allow_blank=True)
    risk_level = CodeField("risk_level_id", required=False, allow_null=True)
    police_ob_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    family_status = CodeField("family_status_id", required=False, allow_null=True)
    household_economics = CodeField("household_economics", required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    recommendations = serializers.CharField(required=False, allow_blank=True)
    categories = CategorySerializer(
        many=True,
        required=False,
        help_text=_(
            "Every category the child presents, each once; when given on an update, the list replaces the"
            " case's categories (a category that stays keeps its recorded intervention)."
        ),
    )
    perpetrators = PerpetratorSerializer(many=True, required=False)


class CaseCreateSerializer(CaseWriteSerializer):
    child = serializers.UUIDField(help_text=_("The public id of a registered child."))
    office = serializers.SlugRelatedField(slug_field="public_id", queryset=OrgUnit.objects.filter(is_active=True))
    reported_on = serializers.DateField()
    categories = CategorySerializer(
        many=True, help_text=_("Every category the child presents (at least one), each category once.")
    )


class CaseUpdateSerializer(CaseWriteSerializer):
    version = version_field(
        required=False,
        help_text=_("The version read (or send it as If-Match); a missing or stale version is refused."),
    )


class TransitionSerializer(serializers.Serializer):
    version = version_field(
        required=False,
        allow_null=True,
        help_text=_("The version read (or send it as If-Match); a missing or stale version is refused."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = CodeField("closure_outcome_id", required=False, allow_null=True)
    interventions = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text=_("For propose_closure: case category code -> intervention code."),
    )


def _categories(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k != "intervention"} for item in items]


def _category_qs() -> Any:
    return CaseCategory.objects.select_related(
        "category", "sub_category", "nature", "place_of_event", "intervention"
    ).order_by("id")


class CaseViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Child-protection cases within the caller's scope. Every read of one case is audited."""

    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    view_permission = P.CASE_VIEW
    write_permission = P.CASE_UPDATE
    action_write_permissions = {
        "create": P.CASE_CREATE,
        **{name: t.perm for name, t in workflow.TRANSITIONS.items()},
    }
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self) -> Any:
        from django.db.models import Prefetch

        return (
            super()
            .get_base_queryset()
            .select_related("child", "office", "reporter_type", "risk_level", "closure_outcome")
            .select_related("event_ward")
            .prefetch_related(
                Prefetch("categories", queryset=_category_qs()),
                Prefetch("perpetrators", queryset=Perpetrator.objects.select_related("relationship").order_by("id")),
                Prefetch(
                    "access",
                    queryset=CaseAccess.objects.active()
                    .select_related("org_unit", "user", "consent")
                    .order_by("granted_at", "id"),
                    to_attr="access_in_force",
                ),
            )
            .order_by("-reported_on", "-id")
        )

    def filter_queryset(self, queryset: Any) -> Any:
        qs = super().filter_queryset(queryset)
        if self.action != "list":
            return qs
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("ward"):
            # The official ward code (geo Area, level ward) of where it happened.
            qs = qs.filter(event_ward__level=Area.Level.WARD, event_ward__code=params["ward"])
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(Case.Status.values), description=_("Only cases in this state.")),
            OpenApiParameter("ward", str, description=_("Official code of the ward where it happened.")),
        ]
    )
    def list(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        case = cast(Case, self.get_object())
        queries.audit_view(request.user, case, request=request, via="api")
        return Response(CaseSerializer(case).data, headers={"ETag": etag(case.version)})

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        d = validated(CaseCreateSerializer, request)
        child = registry_queries.person_for(request.user, d.pop("child"))
        case = actions.case_open(
            actor=request.user,
            child=child,
            office=d.pop("office"),
            reported_on=d.pop("reported_on"),
            reporter_type=d.pop("reporter_type", None),
            categories=_categories(d.pop("categories")),
            perpetrators=d.pop("perpetrators", []),
            request=request,
            via="api",
            **d,
        )
        return Response(CaseSerializer(self.get_base_queryset().get(pk=case.pk)).data, status=201)

    @extend_schema(request=CaseUpdateSerializer, responses={200: CaseSerializer})
    def partial_update(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        case = self.get_object()
        d = validated(CaseUpdateSerializer, request, partial=True)
        if "categories" in d:
            d["categories"] = _categories(d["categories"])
        version = expected_version(request, d)
        actions.case_update(actor=request.user, case=case, expected_version=version, request=request, **d)
        return Response(CaseSerializer(self.get_base_queryset().get(pk=case.pk)).data)

    @extend_schema(exclude=True)
    def update(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        return self.partial_update(request, *args, **kwargs)

    def _transition(self, request: AuthenticatedApiRequest, name: str) -> Response:
        case = self.get_object()
        d = validated(TransitionSerializer, request)
        common: dict[str, Any]  # mixed values: a precise dict type would refuse every ``**common``
        version = expected_version(request, d)
        common = {"actor": request.user, "case": case, "expected_version": version, "request": request}
        if name == "start_assessment":
            actions.case_assessment_start(**common)
        elif name == "complete_assessment":
            actions.case_assessment_complete(**common, summary=d["summary"])
        elif name == "submit_plan":
            actions.case_plan_submit(**common)
        elif name == "approve_plan":
            actions.case_plan_approve(**common)
        elif name == "return_plan":
            actions.case_plan_return(**common, reason=d["reason"])
        elif name == "propose_closure":
            wanted = d.get("interventions", {})
            rows = list(case.categories.select_related("category"))
            codes = {
                c.code: c for c in Code.objects.filter(code_list__name="intervention_id").select_related("code_list")
            }
            interventions = {r.pk: codes[wanted[r.category.code]] for r in rows if wanted.get(r.category.code) in codes}
            if d.get("outcome") is None:
                raise DjangoValidationError({"outcome": [_("Choose the closure outcome.")]})
            actions.case_closure_propose(**common, outcome=d["outcome"], interventions=interventions)
        elif name == "approve_closure":
            actions.case_closure_approve(**common)
        elif name == "reject_closure":
            actions.case_closure_reject(**common, reason=d["reason"])
        elif name == "reopen":
            actions.case_reopen(**common, reason=d["reason"])
        return Response(CaseSerializer(self.get_base_queryset().get(pk=case.pk)).data)

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="start-assessment")
    def start_assessment(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "start_assessment")

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="complete-assessment")
    def complete_assessment(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "complete_assessment")

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="submit-plan")
    def submit_plan(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "submit_plan")

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="approve-plan")
    def approve_plan(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "approve_plan")

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="return-plan")
    def return_plan(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "return_plan")

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="propose-closure")
    def propose_closure(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "propose_closure")

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="approve-closure")
    def approve_closure(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "approve_closure")

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="reject-closure")
    def reject_closure(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "reject_closure")

    @extend_schema(request=TransitionSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        return self._transition(request, "reopen")


class ServiceRecordSerializer(serializers.ModelSerializer):
    child = public_id_ref()
    case = public_id_ref()
    service = code_ref()
    provider = public_id_ref()

    class Meta:
        model = ServiceRecord
        fields = ["public_id", "child", "case", "service", "given_on", "provider", "notes", "created_at"]
        read_only_fields = fields


class ServiceRecordCreateSerializer(serializers.Serializer):
    child = serializers.UUIDField(required=False, help_text=_("The child's public id (or give the case)."))
    case = serializers.UUIDField(required=False, help_text=_("The case's public id."))
    service = CodeField("intervention_id")
    given_on = serializers.DateField()
    provider = serializers.SlugRelatedField(slug_field="public_id", queryset=OrgUnit.objects.filter(is_active=True))
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("child") and not attrs.get("case"):
            raise serializers.ValidationError({"child": [_("Give the child or the case.")]})
        return attrs


class ServiceRecordViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Services given to children by any actor, within the caller's scope."""

    queryset = ServiceRecord.objects.all()
    serializer_class = ServiceRecordSerializer
    view_permission = P.SERVICE_RECORD
    write_permission = P.SERVICE_RECORD

    def get_base_queryset(self) -> Any:
        return (
            super()
            .get_base_queryset()
            .select_related("child", "case", "service", "provider")
            .order_by("-given_on", "-id")
        )

    @extend_schema(request=ServiceRecordCreateSerializer, responses={201: ServiceRecordSerializer})
    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        d = validated(ServiceRecordCreateSerializer, request)
        case = None
        if d.get("case"):
            case = queries.case_for(request.user, d["case"], write=P.SERVICE_RECORD)
            child = case.child
        else:
            child = registry_queries.person_for(request.user, d["child"])
        record = actions.service_record(
            actor=request.user,
            child=child,
            case=case,
            request=request,
            via="api",
            **pick(d, "service", "given_on", "provider", "notes"),
        )
        return Response(ServiceRecordSerializer(self.get_base_queryset().get(pk=record.pk)).data, status=201)


class EmergencyAccessRequestSerializer(serializers.Serializer):
    case_number = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=300, help_text=_("Why the case must be opened now."))


class EmergencyAccessSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_number = serializers.CharField(source="case.case_number", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    org_unit = serializers.UUIDField(source="org_unit.public_id", read_only=True)
    reason = serializers.CharField(source="basis_note", read_only=True)
    granted_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    ended_at = serializers.DateTimeField(source="revoked_at", read_only=True, allow_null=True)


class EmergencyAccessViewSet(viewsets.ViewSet):
    """Break-the-glass. POST: open a case outside one's scope in an emergency
    (``case.emergency_access``), read-only, for a few hours; the supervisor is told. GET: the
    emergency accesses a supervisor answers for (``child.access_log``). Both audited."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EmergencyAccessSerializer(many=True))
    def list(self, request: AuthenticatedApiRequest) -> Response:
        scope.require_perm(request.user, P.CHILD_ACCESS_LOG)
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(queries.emergency_accesses_for(request.user), request, view=self)
        audit_record(actor=request.user, action="case.emergency_access_list", request=request, details={"via": "api"})
        return paginator.get_paginated_response(EmergencyAccessSerializer(rows, many=True).data)

    @extend_schema(request=EmergencyAccessRequestSerializer, responses={201: EmergencyAccessSerializer})
    def create(self, request: AuthenticatedApiRequest) -> Response:
        scope.require_perm(request.user, P.CASE_EMERGENCY_ACCESS)
        d = validated(EmergencyAccessRequestSerializer, request)
        case = queries.case_by_number(d["case_number"])
        if case is None:
            raise DjangoValidationError({"case_number": [_("No case has this number. Check it and try again.")]})
        access = actions.emergency_access_open(actor=request.user, case=case, reason=d["reason"], request=request)
        return Response(EmergencyAccessSerializer(access).data, status=201)

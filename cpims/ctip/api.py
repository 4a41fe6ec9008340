"""CTiP API: the track of a case (identification and screening, reintegration plan, link to the
prosecution) and its steps (immediate assistance, family tracing, repatriation or return,
follow-ups, cross-border referrals) — list, read, record.

Scope follows the case, and CTiP is a sensitive section: the caller needs ``case.view_sensitive``
(403 without it anywhere), a record on a case outside the caller's reach is 404, and recording
needs ``case.update`` too. Writes go through cpims.ctip.actions (one transaction, audited).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.drf import CodeField, code_ref, public_id_ref, validated, version_field
from cpims.court.api import CASE_PARAM, _by_case  # the same ?case= filter as the court API
from cpims.court.models import CourtSession
from cpims.ctip import actions, queries
from cpims.ctip.models import (
    COUNTRY_LIST,
    MEANS_LIST,
    PURPOSE_LIST,
    RECRUITMENT_LIST,
    TRAFFICKING_TYPE_LIST,
    TRANSPORT_LIST,
    Assistance,
    CtipTrack,
    FollowUp,
    Referral,
    Return,
    Tracing,
)
from cpims.geo.models import OrgUnit


class UnitField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        super().__init__(slug_field="public_id", queryset=OrgUnit.objects.filter(is_active=True), **kwargs)


def _notes() -> serializers.CharField:
    return serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class _CaseSerializer(serializers.Serializer):
    case = serializers.UUIDField(help_text=_("The case (public id)."))


# --- the steps ------------------------------------------------------------------------------------


def _step_serializer(model: Any, fields: list[str], **declared: Any) -> type[serializers.ModelSerializer]:
    meta = type("Meta", (), {"model": model, "fields": ["public_id", "case", *fields, "notes", "created_at"]})
    meta.read_only_fields = meta.fields  # type: ignore[attr-defined]
    attrs = {
        "__module__": __name__,
        "Meta": meta,
        "case": serializers.UUIDField(source="track.case.public_id", read_only=True),
        **declared,
    }
    return type(f"Ctip{model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


AssistanceSerializer = _step_serializer(Assistance, ["kind", "given_on", "provider"], provider=public_id_ref())
TracingSerializer = _step_serializer(Tracing, ["traced_on", "outcome", "country", "assessment"], country=code_ref())
ReturnSerializer = _step_serializer(
    Return,
    ["kind", "travelled_on", "country", "travel_document", "escort", "receiving_agency"],
    country=code_ref(),
    receiving_agency=public_id_ref(),
)
FollowUpSerializer = _step_serializer(FollowUp, ["visited_on", "status"])
ReferralSerializer = _step_serializer(Referral, ["to_unit", "referred_on", "reason"], to_unit=public_id_ref())


class CtipAssistanceCreateSerializer(_CaseSerializer):
    kind = serializers.ChoiceField(choices=Assistance.Kind.choices)
    given_on = serializers.DateField()
    provider = UnitField(help_text=_("The organisation that gave it (public id)."))
    notes = _notes()


class CtipTracingCreateSerializer(_CaseSerializer):
    traced_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Tracing.Outcome.choices)
    country = CodeField(COUNTRY_LIST, help_text=_("Country code (ctip_country), e.g. UG."))
    assessment = serializers.ChoiceField(choices=Tracing.Assessment.choices, default=Tracing.Assessment.NOT_ASSESSED)
    notes = _notes()


class CtipReturnCreateSerializer(_CaseSerializer):
    kind = serializers.ChoiceField(choices=Return.Kind.choices)
    travelled_on = serializers.DateField()
    country = CodeField(COUNTRY_LIST, help_text=_("Country code (ctip_country), e.g. UG."))
    travel_document = serializers.ChoiceField(choices=Return.Document.choices)
    escort = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    receiving_agency = UnitField(help_text=_("The receiving agency (public id)."))
    notes = _notes()


class CtipFollowUpCreateSerializer(_CaseSerializer):
    visited_on = serializers.DateField()
    status = serializers.ChoiceField(choices=FollowUp.Status.choices)
    notes = _notes()


class CtipReferralCreateSerializer(_CaseSerializer):
    to_unit = UnitField(required=True, allow_null=False, default=serializers.empty)
    referred_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)
    notes = _notes()


# --- the track --------------------------------------------------------------------------------------


class CtipTrackSerializer(serializers.ModelSerializer):
    """A CTiP track as the API returns it (codes are DCS codes, records their public ids)."""

    case = serializers.UUIDField(source="case.public_id", read_only=True)
    trafficking_type = code_ref()
    nationality = code_ref()
    country_of_origin = code_ref()
    transport = code_ref()
    recruitment = code_ref()
    purpose = code_ref()
    means = code_ref(many=True)
    indicators = code_ref(many=True)
    police_station = public_id_ref()
    court_session = public_id_ref()

    class Meta:
        model = CtipTrack
        fields = [
            "public_id",
            "case",
            "stage",
            "identified_on",
            "trafficking_type",
            "nationality",
            "country_of_origin",
            "route",
            "transport",
            "recruitment",
            "means",
            "purpose",
            "indicators",
            "screening_notes",
            "reintegration_plan",
            "plan_agreed_on",
            "police_ob_number",
            "police_station",
            "court_case_number",
            "court_session",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CtipIdentificationSerializer(serializers.Serializer):
    identified_on = serializers.DateField()
    trafficking_type = CodeField(TRAFFICKING_TYPE_LIST, help_text=_("ctip_trafficking_type code, e.g. TFDVT."))
    nationality = CodeField(COUNTRY_LIST, help_text=_("Country code (ctip_country), e.g. KE."))
    country_of_origin = CodeField(COUNTRY_LIST)
    purpose = CodeField(PURPOSE_LIST, help_text=_("Purpose of exploitation (ctip_purpose_id), e.g. TPLB."))
    route = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    transport = CodeField(TRANSPORT_LIST, required=False, allow_null=True, default=None)
    recruitment = CodeField(RECRUITMENT_LIST, required=False, allow_null=True, default=None)
    means = CodeField(MEANS_LIST, many=True, required=False, default=list)
    indicators = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        default=list,
        help_text=_("Indicator codes (ctip_situation, ctip_exploit_condition)."),
    )
    screening_notes = _notes()

    def validate_indicators(self, value: list[str]) -> list[Any]:
        from cpims.core.models import Code
        from cpims.ctip.models import INDICATOR_LISTS

        found = list(Code.objects.filter(code_list__name__in=INDICATOR_LISTS, code__in=value, is_active=True))
        if len(found) != len(set(value)):
            raise serializers.ValidationError(_("Unknown indicator code."))
        return found


class CtipIdentificationCreateSerializer(CtipIdentificationSerializer):
    case = serializers.UUIDField(help_text=_("The case (public id)."))


class CtipIdentificationUpdateSerializer(CtipIdentificationSerializer):
    version = version_field(help_text=_("The version of the track as read; a stale value is refused."))


class CtipPlanSerializer(serializers.Serializer):
    reintegration_plan = serializers.CharField(max_length=4000)
    plan_agreed_on = serializers.DateField()
    version = version_field()


class CtipProsecutionSerializer(serializers.Serializer):
    police_ob_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    police_station = UnitField()
    court_case_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    court_session = serializers.SlugRelatedField(
        slug_field="public_id", queryset=CourtSession.objects.all(), required=False, allow_null=True, default=None
    )
    version = version_field()


class _CtipViewSet(  # type: ignore[misc]  # the mixin narrows DRF attributes, as in every app
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    view_permission = P.CASE_VIEW_SENSITIVE
    write_permission = actions.WRITE
    lookup_field = "public_id"
    http_method_names = ["get", "post", "put", "head", "options"]
    filter_backends: list[Any] = []
    case_path = "track__case__"
    related: tuple[str, ...] = ()

    def get_base_queryset(self) -> Any:
        model: Any = self.get_serializer_class().Meta.model  # type: ignore[attr-defined]
        qs = model._default_manager.select_related(self.case_path.removesuffix("__"), *self.related)
        return _by_case(self.request, qs, self.case_path).order_by("-id")

    def _written(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_base_queryset().get(pk=obj.pk)).data, status=code)


class _StepViewSet(_CtipViewSet):
    create_serializer: type[serializers.Serializer]
    record: Callable[..., Any]

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        d = validated(self.create_serializer, request)
        track = queries.track_for(request.user, d.pop("case"), write=True)
        obj = type(self).record(actor=request.user, track=track, request=request._request, **d)
        return self._written(obj, status.HTTP_201_CREATED)


def _step_schema(noun: str, create: type[serializers.Serializer], read: type[serializers.Serializer]) -> Any:
    return extend_schema_view(
        list=extend_schema(summary=f"List {noun}", parameters=[CASE_PARAM]),
        retrieve=extend_schema(summary=f"Read {noun}"),
        create=extend_schema(summary=f"Record {noun} on a case's CTiP track", request=create, responses={201: read}),
    )


def _step_viewset(
    model: Any,
    read: type[serializers.Serializer],
    create: type[serializers.Serializer],
    record: Callable[..., Any],
    noun: str,
    doc: str,
    related: tuple[str, ...] = (),
) -> type[_StepViewSet]:
    attrs = {
        "__doc__": doc,
        "__module__": __name__,
        "queryset": model.objects.all(),
        "serializer_class": read,
        "create_serializer": create,
        "record": staticmethod(record),
        "related": related,
    }
    viewset = type(f"{model.__name__}ViewSet", (_StepViewSet,), attrs)
    return _step_schema(noun, create, read)(viewset)


AssistanceViewSet = _step_viewset(
    Assistance,
    AssistanceSerializer,
    CtipAssistanceCreateSerializer,
    actions.ctip_assistance_add,
    "immediate assistance",
    "Immediate assistance (shelter, medical, psycho-social, legal) given to trafficked children.",
    ("provider",),
)
TracingViewSet = _step_viewset(
    Tracing,
    TracingSerializer,
    CtipTracingCreateSerializer,
    actions.ctip_tracing_add,
    "family tracing",
    "Family tracing and assessment of trafficked children.",
    ("country",),
)
ReturnViewSet = _step_viewset(
    Return,
    ReturnSerializer,
    CtipReturnCreateSerializer,
    actions.ctip_return_add,
    "repatriations and returns",
    "Repatriations and returns of trafficked children.",
    ("country", "receiving_agency"),
)
FollowUpViewSet = _step_viewset(
    FollowUp,
    FollowUpSerializer,
    CtipFollowUpCreateSerializer,
    actions.ctip_followup_add,
    "reintegration follow-ups",
    "Follow-ups of trafficked children's reintegration.",
)
ReferralViewSet = _step_viewset(
    Referral,
    ReferralSerializer,
    CtipReferralCreateSerializer,
    actions.ctip_referral_add,
    "cross-border referrals",
    "Cross-border referrals of trafficked children to the CTiP Secretariat and foreign agencies.",
    ("to_unit",),
)


@extend_schema_view(
    list=extend_schema(summary="List CTiP tracks", parameters=[CASE_PARAM]),
    retrieve=extend_schema(summary="Read a CTiP track"),
    create=extend_schema(
        summary="Identify a trafficked child (opens the CTiP track of a case)",
        request=CtipIdentificationCreateSerializer,
        responses={201: CtipTrackSerializer},
    ),
    update=extend_schema(
        summary="Correct the identification and screening (send the version you read)",
        request=CtipIdentificationUpdateSerializer,
        responses=CtipTrackSerializer,
    ),
    plan=extend_schema(
        summary="Record the reintegration plan", request=CtipPlanSerializer, responses=CtipTrackSerializer
    ),
    prosecution=extend_schema(
        summary="Link the track to the prosecution (police OB number, court case)",
        request=CtipProsecutionSerializer,
        responses=CtipTrackSerializer,
    ),
)
class CtipTrackViewSet(_CtipViewSet):
    """The CTiP tracks of trafficking and smuggling cases in your scope."""

    queryset = CtipTrack.objects.all()
    serializer_class = CtipTrackSerializer
    case_path = "case__"

    def get_base_queryset(self) -> Any:
        qs = CtipTrack.objects.select_related(
            "case",
            "trafficking_type",
            "nationality",
            "country_of_origin",
            "transport",
            "recruitment",
            "purpose",
            "police_station",
            "court_session",
        ).prefetch_related("means", "indicators")
        return _by_case(self.request, qs, "case__").order_by("-identified_on", "-id")

    def _track(self) -> CtipTrack:
        return cast(CtipTrack, self.get_object())

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        d = validated(CtipIdentificationCreateSerializer, request)
        case = queries.case_for(request.user, d.pop("case"), write=True)
        track = actions.ctip_identify(actor=request.user, case=case, request=request._request, **d)
        return self._written(track, status.HTTP_201_CREATED)

    def _edit(self, request: AuthenticatedApiRequest, serializer: Any, edit: Callable[..., CtipTrack]) -> Response:
        """An edit of the track made on the version the caller read (a stale one is refused, 400)."""
        track = self._track()
        d = validated(serializer, request)
        track = edit(actor=request.user, track=track, expected_version=d.pop("version"), request=request._request, **d)
        return self._written(track)

    def update(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        return self._edit(request, CtipIdentificationUpdateSerializer, actions.ctip_identification_update)

    @action(detail=True, methods=["post"])
    def plan(self, request: AuthenticatedApiRequest, public_id: Any = None) -> Response:
        return self._edit(request, CtipPlanSerializer, actions.ctip_plan_update)

    @action(detail=True, methods=["post"])
    def prosecution(self, request: AuthenticatedApiRequest, public_id: Any = None) -> Response:
        return self._edit(request, CtipProsecutionSerializer, actions.ctip_prosecution_update)


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router (cpims/api/urls.py)."""
    router.register("ctip-tracks", CtipTrackViewSet, basename="ctiptrack")
    router.register("ctip-assistance", AssistanceViewSet, basename="ctipassistance")
    router.register("ctip-tracing", TracingViewSet, basename="ctiptracing")
    router.register("ctip-returns", ReturnViewSet, basename="ctipreturn")
    router.register("ctip-follow-ups", FollowUpViewSet, basename="ctipfollowup")
    router.register("ctip-referrals", ReferralViewSet, basename="ctipreferral")


api_urlpatterns: list[Any] = []  # no plain API views beside the viewsets

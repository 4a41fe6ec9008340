"""Referrals and transfers API.

To register in cpims/api/urls.py::

    from cpims.referrals.api import ReferralViewSet, TransferViewSet

    router.register("referrals", ReferralViewSet, basename="referral")
    router.register("transfers", TransferViewSet, basename="transfer")
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.cases import queries as case_queries
from cpims.core.drf import CodeField, code_ref, public_id_ref, validated
from cpims.core.formviews import pick
from cpims.geo.models import OrgUnit
from cpims.referrals import actions, queries
from cpims.referrals.models import Referral, Transfer


def _unit_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="public_id", queryset=OrgUnit.objects.filter(is_active=True), **kwargs
    )


class ReferralSerializer(serializers.ModelSerializer):
    case = public_id_ref()
    case_number = serializers.CharField(source="case.case_number", read_only=True)
    from_office = public_id_ref()
    to_unit = public_id_ref()
    destination_type = code_ref()
    destination_class = code_ref()
    service_requested = code_ref()
    services = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "public_id",
            "case",
            "case_number",
            "from_office",
            "to_unit",
            "destination_type",
            "destination_class",
            "service_requested",
            "reason",
            "urgency",
            "status",
            "consent_overridden",
            "sent_on",
            "answer_due_on",
            "answered_at",
            "decline_reason",
            "completed_at",
            "completion_notes",
            "withdrawn_at",
            "withdraw_reason",
            "services",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField(help_text=_("The case's public id."))
    to_unit = _unit_field(help_text=_("The public id of the receiving organisation unit."))
    reason = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Referral.Urgency.choices, default=Referral.Urgency.ROUTINE)
    service_requested = CodeField("referral_type_id", required=False, allow_null=True)
    destination_class = CodeField("referral_destination_classification", required=False, allow_null=True)
    from_office = _unit_field(required=False, allow_null=True, help_text=_("The referring unit (one of yours)."))
    consent_override = serializers.BooleanField(required=False, default=False)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CompleteSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class _AnswerableMixin(ScopedViewSetMixin):
    """Lists and lookups go through cpims.referrals.queries (the scope rules): 404 outside scope,
    403 when an answer is asked of someone who does not hold the receiving permission at the
    receiving unit."""

    answer_actions: frozenset[str] = frozenset()

    def visible(self) -> QuerySet[Any]:
        raise NotImplementedError

    def fetch(self, public_id: Any, *, answer: bool, withdraw: bool = False) -> Model:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        return self.visible()

    def get_object(self) -> Model:
        writing = self.request.method not in SAFE_METHODS
        answer = writing and (self.action or "") in self.answer_actions
        withdraw = writing and self.action == "withdraw"
        return self.fetch(self.kwargs[self.lookup_url_kwarg or self.lookup_field], answer=answer, withdraw=withdraw)


class ReferralViewSet(
    _AnswerableMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals the caller sent (on cases they may see) or received (at units where they answer
    referrals). The receiving unit accepts, declines and completes."""

    queryset = Referral.objects.all()
    request: AuthenticatedApiRequest  # the permission classes let only a signed-in user through
    serializer_class = ReferralSerializer
    view_permission = P.CASE_VIEW
    write_permission = P.REFERRAL_RECEIVE
    # Withdrawing is the referring side's step: case.refer (the scope check), then the referring-side
    # rule in queries.referral_for(withdraw=True).
    action_write_permissions = {"create": P.CASE_REFER, "withdraw": P.CASE_REFER}
    answer_actions = frozenset({"accept", "decline", "complete"})

    def visible(self) -> QuerySet[Referral]:
        return (
            queries.referrals_visible_to(self.request.user)
            .select_related(
                "case", "from_office", "to_unit", "destination_type", "destination_class", "service_requested"
            )
            .prefetch_related("services")
            .order_by("-sent_on", "-id")
        )

    def fetch(self, public_id: Any, *, answer: bool, withdraw: bool = False) -> Referral:
        return queries.referral_for(self.request.user, public_id, answer=answer, withdraw=withdraw)

    def _out(self, referral: Referral, status: int = 200) -> Response:
        return Response(ReferralSerializer(self.visible().get(pk=referral.pk)).data, status=status)

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        d = validated(ReferralCreateSerializer, request)
        case = case_queries.case_for(request.user, d["case"], write=P.CASE_REFER)
        referral = actions.referral_send(
            actor=request.user,
            case=case,
            service_requested=d.get("service_requested"),
            destination_class=d.get("destination_class"),
            from_office=d.get("from_office"),
            request=request,
            **pick(d, "to_unit", "reason", "urgency", "consent_override", "override_reason"),
        )
        return self._out(referral, status=201)

    @extend_schema(request=None, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        referral = self.get_object()
        actions.referral_accept(actor=request.user, referral=referral, request=request)
        return self._out(referral)

    @extend_schema(request=ReasonSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        referral = self.get_object()
        data = validated(ReasonSerializer, request)
        actions.referral_decline(actor=request.user, referral=referral, reason=data["reason"], request=request)
        return self._out(referral)

    @extend_schema(request=CompleteSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        referral = self.get_object()
        data = validated(CompleteSerializer, request)
        actions.referral_complete(actor=request.user, referral=referral, notes=data["notes"], request=request)
        return self._out(referral)

    @extend_schema(request=ReasonSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        """The referring side takes back a referral still awaiting an answer."""
        referral = self.get_object()
        data = validated(ReasonSerializer, request)
        actions.referral_withdraw(actor=request.user, referral=referral, reason=data["reason"], request=request)
        return self._out(referral)


class TransferSerializer(serializers.ModelSerializer):
    case = public_id_ref()
    case_number = serializers.CharField(source="case.case_number", read_only=True)
    from_office = public_id_ref()
    to_office = public_id_ref()

    class Meta:
        model = Transfer
        fields = [
            "public_id",
            "case",
            "case_number",
            "from_office",
            "to_office",
            "reason",
            "status",
            "requested_on",
            "answer_due_on",
            "answered_at",
            "decline_reason",
            "withdrawn_at",
            "withdraw_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TransferCreateSerializer(serializers.Serializer):
    case = serializers.UUIDField(help_text=_("The case's public id."))
    to_office = _unit_field(help_text=_("The public id of the receiving county or sub-county office."))
    reason = serializers.CharField()


class TransferViewSet(
    _AnswerableMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Transfers of cases between DCS offices: requested by the owning office, accepted or
    declined by the receiving office (which then owns the case)."""

    queryset = Transfer.objects.all()
    request: AuthenticatedApiRequest  # the permission classes let only a signed-in user through
    serializer_class = TransferSerializer
    view_permission = P.CASE_VIEW
    write_permission = P.CASE_TRANSFER
    answer_actions = frozenset({"accept", "decline"})

    def visible(self) -> QuerySet[Transfer]:
        return (
            queries.transfers_visible_to(self.request.user)
            .select_related("case", "from_office", "to_office")
            .order_by("-requested_on", "-id")
        )

    def fetch(self, public_id: Any, *, answer: bool, withdraw: bool = False) -> Transfer:
        return queries.transfer_for(self.request.user, public_id, answer=answer, withdraw=withdraw)

    def _out(self, transfer: Transfer, status: int = 200) -> Response:
        return Response(TransferSerializer(self.visible().get(pk=transfer.pk)).data, status=status)

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferSerializer})
    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        d = validated(TransferCreateSerializer, request)
        case = case_queries.case_for(request.user, d["case"], write=P.CASE_TRANSFER)
        transfer = actions.transfer_request(
            actor=request.user, case=case, to_office=d["to_office"], reason=d["reason"], request=request
        )
        return self._out(transfer, status=201)

    @extend_schema(request=None, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        transfer = self.get_object()
        actions.transfer_accept(actor=request.user, transfer=transfer, request=request)
        # The new owner sees the transfer through the case.
        return self._out(transfer)

    @extend_schema(request=ReasonSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        transfer = self.get_object()
        data = validated(ReasonSerializer, request)
        actions.transfer_decline(actor=request.user, transfer=transfer, reason=data["reason"], request=request)
        return self._out(transfer)

    @extend_schema(request=ReasonSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        """The sending office takes back a transfer still awaiting an answer."""
        transfer = self.get_object()
        data = validated(ReasonSerializer, request)
        actions.transfer_withdraw(actor=request.user, transfer=transfer, reason=data["reason"], request=request)
        return self._out(transfer)

"""API of the iprs app, mounted under /api/v1/ by cpims/api/urls.py.

* ``GET iprs/verifications/[?person=<public id>]``: checks of identifiers against IPRS, newest first,
  of the people the caller may see (child.view); a person outside the caller's scope is a 404.
* ``POST iprs/verifications/`` ``{"person", "type", "value"}``: check one of the person's identifiers
  with IPRS now (child.update over the person). 201 with the result (matched, mismatch or
  not_found); 503 when IPRS cannot answer (nothing is recorded).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.drf import CodeField
from cpims.integrations.iprs import actions, client
from cpims.registry import queries
from cpims.registry.actions import normalise_identifier
from cpims.registry.models import IdentifierVerification


class DifferenceSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("first_name, middle_name, last_name, other_names or date_of_birth"))
    ours = serializers.CharField(help_text=_("Our record at the time of the check"))
    theirs = serializers.CharField(help_text=_("What IPRS holds"))


class VerificationSerializer(serializers.ModelSerializer):
    person = serializers.UUIDField(source="identifier.person.public_id", read_only=True)
    cpims_number = serializers.CharField(source="identifier.person.cpims_number", read_only=True)
    type = serializers.CharField(source="identifier.id_type.code", read_only=True)
    value = serializers.CharField(source="identifier.value", read_only=True)
    verified_by = serializers.CharField(source="verified_by.username", read_only=True)
    differences = DifferenceSerializer(many=True, read_only=True)

    class Meta:
        model = IdentifierVerification
        fields = [
            "public_id",
            "person",
            "cpims_number",
            "type",
            "value",
            "status",
            "source",
            "first_name",
            "middle_name",
            "last_name",
            "date_of_birth",
            "differences",
            "reference",
            "verified_at",
            "verified_by",
        ]
        read_only_fields = fields


class VerifyRequestSerializer(serializers.Serializer):
    person = serializers.UUIDField(help_text=_("The person's public id"))
    type = CodeField("identifier_type_id", help_text=_("INTL (national ID) or ISOV (birth registration number)"))
    value = serializers.CharField(max_length=60, help_text=_("The number, as recorded on the person"))


@extend_schema_view(
    list=extend_schema(
        summary="Checks of identifiers with IPRS",
        parameters=[
            OpenApiParameter(
                "person", OpenApiTypes.UUID, required=False, description=_("Only this person's identifiers")
            )
        ],
    ),
    create=extend_schema(
        summary="Check an identifier with IPRS now",
        request=VerifyRequestSerializer,
        responses={
            201: VerificationSerializer,
            400: OpenApiResponse(description="Unknown identifier of this person, or a type IPRS does not hold"),
            503: OpenApiResponse(description="IPRS did not answer (down, slow or not set up); nothing recorded"),
        },
    ),
)
@extend_schema(tags=["iprs"])
class VerificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Checks of national ID and birth certificate numbers against IPRS (Kenya's population
    register). Only the number is sent to IPRS; its answer is kept beside the record, never copied
    over it."""

    serializer_class = VerificationSerializer
    permission_classes = [IsAuthenticated]
    request: AuthenticatedApiRequest  # the permission classes let only a signed-in user through
    filter_backends: list = []
    queryset = IdentifierVerification.objects.none()  # for the schema; get_queryset scopes

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not scope.has_perm(request.user, P.CHILD_VIEW):
            raise PermissionDenied
        if request.method == "POST" and not scope.has_perm(request.user, P.CHILD_UPDATE):
            raise PermissionDenied

    def get_queryset(self) -> Any:
        person_id = self.request.query_params.get("person")
        person = queries.person_for(self.request.user, person_id) if person_id else None
        return queries.verifications_visible_to(self.request.user, person)

    def create(self, request: AuthenticatedApiRequest, *args: Any, **kwargs: Any) -> Response:
        data = VerifyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = queries.person_for(request.user, data.validated_data["person"], write=P.CHILD_UPDATE)
        wanted = normalise_identifier(data.validated_data["value"])
        found = (
            person.identifiers.select_related("id_type")
            .filter(id_type=data.validated_data["type"], value_normalised=wanted)
            .first()
        )
        if found is None or not person.is_active:
            raise DRFValidationError({"value": [_("This person has no identifier of this type with this number.")]})
        found.person = person
        try:
            result = actions.identifier_verify(actor=request.user, identifier=found, request=request, via="api")
        except client.IprsError as exc:
            return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except ValidationError as exc:
            raise DRFValidationError({"value": exc.messages}) from exc
        return Response(self.get_serializer(result).data, status=status.HTTP_201_CREATED)


def register_routes(router: Any) -> None:
    """Register this app's viewsets on the API router."""
    router.register("iprs/verifications", VerificationViewSet, basename="iprsverification")


api_urlpatterns: list = []

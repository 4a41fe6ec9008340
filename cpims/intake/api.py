"""Intake API for the Child Helpline 116 and similar partner systems.

To register in cpims/api/urls.py (before the router include)::

    from cpims.intake.api import IntakeReportCreateView
    path("intake/", IntakeReportCreateView.as_view(), name="intake-create"),

A partner system is a user with the ``intake_system`` role (intake.submit only) and its own API
token. It POSTs a concern with its own reference; the answer carries our reference number. The
same partner sending the same reference again gets the same report back (200) and nothing new is
written, so a helpline may safely retry after a timeout.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.core.drf import validated
from cpims.geo.api import AreaKeyField
from cpims.intake import actions
from cpims.intake.actions import WHAT_HAPPENED_MAX, ReportInput
from cpims.intake.models import IntakeReport


class CanSubmitIntake(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and scope.has_perm(user, P.INTAKE_SUBMIT))


class IntakeReportInSerializer(serializers.Serializer):
    external_reference = serializers.CharField(
        max_length=100, help_text=_("Your own reference for this report (idempotency key).")
    )
    what_happened = serializers.CharField(max_length=WHAT_HAPPENED_MAX)
    urgent = serializers.BooleanField(default=False, help_text=_("A child is in danger right now."))
    county = AreaKeyField(help_text=_("Where it happened: a county key, e.g. county-047."))
    sub_county = AreaKeyField(required=False, allow_null=True, help_text=_("A sub-county key, e.g. sub_county-274."))
    ward = AreaKeyField(required=False, allow_null=True, help_text=_("A ward key."))
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    happened_on = serializers.DateField(required=False, allow_null=True, default=None)
    child_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    child_age = serializers.IntegerField(min_value=0, max_value=17, required=False, allow_null=True, default=None)
    child_sex = serializers.ChoiceField(
        choices=IntakeReport.ChildSex.choices, required=False, allow_blank=True, default=""
    )
    anonymous = serializers.BooleanField(default=False)
    reporter_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reporter_contact = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reporter_relationship = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class IntakeReportOutSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text=_("Our reference number for the report."))
    external_reference = serializers.CharField()
    received_at = serializers.DateTimeField(source="created_at")


_ERROR = inline_serializer(
    name="IntakeError",
    fields={
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
    },
)


class IntakeReportCreateView(APIView):
    """Submit a concern from a partner system (Child Helpline 116). Idempotent by
    ``external_reference``: the first submission answers 201, a repeat of the same content answers
    200 with the same reference number and creates nothing, and the reference sent again with other
    content answers 409: not applied, kept for the triage officer to compare."""

    permission_classes = [CanSubmitIntake]

    @extend_schema(
        operation_id="intake_create",
        tags=["intake"],
        request=IntakeReportInSerializer,
        responses={
            201: IntakeReportOutSerializer,
            200: OpenApiResponse(IntakeReportOutSerializer, description=_("Already received (a repeat).")),
            409: OpenApiResponse(
                _ERROR, description=_("The reference was used before with other content: kept for review.")
            ),
            400: OpenApiResponse(_ERROR, description=_("Invalid fields.")),
            401: OpenApiResponse(_ERROR, description=_("No valid token.")),
            403: OpenApiResponse(_ERROR, description=_("The account may not submit concerns.")),
        },
        examples=[
            OpenApiExample(
                "Helpline call",
                request_only=True,
                value={
                    "external_reference": "116-2025-000123",
                    "what_happened": "A caller reports a girl of about 9 left alone for days.",
                    "urgent": False,
                    "county": "county-047",
                    "sub_county": "sub_county-274",
                    "child_age": 9,
                    "child_sex": "female",
                    "anonymous": True,
                },
            )
        ],
    )
    def post(self, request: AuthenticatedApiRequest) -> Response:
        d = validated(IntakeReportInSerializer, request)
        external_reference = d.pop("external_reference")
        try:
            report, created = actions.report_receive(
                actor=request.user,
                data=ReportInput(**d),
                external_reference=external_reference,
                request=request._request,
            )
        except actions.ReplayRefused as exc:
            detail = _(
                "Your reference %(ref)s was already used for report %(report)s with other content. This "
                "submission was not applied; it is kept for the triage officer to compare. Send new "
                "information about the same child as a new report with its own reference."
            ) % {"ref": external_reference, "report": exc.report.reference}
            return Response(
                {"detail": detail, "reference": exc.report.reference, "external_reference": external_reference},
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise serializers.ValidationError(exc.message_dict) from exc
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from exc
        return Response(
            IntakeReportOutSerializer(report).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

"""cpims.api.exceptions.exception_handler: one error format, translated, never a traceback."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cpims.api.tests.test_exceptions")]


class _Address(serializers.Serializer):
    ward = serializers.CharField()


class _Input(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    age = serializers.IntegerField(min_value=0)
    address = _Address()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("name") == "both":
            raise serializers.ValidationError("Name and age do not match.")
        return attrs


class _View(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def post(self, request: Request) -> Response:
        what = request.query_params.get("raise")
        if what == "django-validation":
            raise ValidationError({"name": "Django says no."})
        if what == "django-validation-plain":
            raise ValidationError("The case is already closed.")
        if what == "http404":
            raise Http404("a detail that must not be shown")
        if what == "permission":
            raise PermissionDenied("a detail that must not be shown")
        if what == "boom":
            raise RuntimeError("a secret detail that must not reach the client")
        serializer = _Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


urlpatterns = [path("t/", _View.as_view())]


@pytest.fixture
def client() -> APIClient:
    return APIClient(raise_request_exception=False)


def test_validation_errors_list_each_field(client: APIClient) -> None:
    response = client.post("/t/", {"name": "too long", "age": -1, "address": {}}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request is not valid. See the errors for each field."
    assert body["errors"] == {
        "name": ["Ensure this field has no more than 5 characters."],
        "age": ["Ensure this value is greater than or equal to 0."],
        "address.ward": ["This field is required."],
    }


def test_non_field_errors(client: APIClient) -> None:
    response = client.post("/t/", {"name": "both", "age": 1, "address": {"ward": "x"}}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Name and age do not match.",
        "errors": {"non_field_errors": ["Name and age do not match."]},
    }


def test_django_validation_error_from_an_action_is_400(client: APIClient) -> None:
    response = client.post("/t/?raise=django-validation", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["Django says no."]}
    plain = client.post("/t/?raise=django-validation-plain", {}, format="json")
    assert plain.status_code == 400
    assert plain.json() == {
        "detail": "The case is already closed.",
        "errors": {"non_field_errors": ["The case is already closed."]},
    }


def test_http404_is_404_without_the_inner_message(client: APIClient) -> None:
    response = client.post("/t/?raise=http404", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_permission_denied_is_403(client: APIClient) -> None:
    response = client.post("/t/?raise=permission", {}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to do this."}


def test_method_not_allowed(client: APIClient) -> None:
    response = client.get("/t/")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method GET is not allowed here."}


def test_malformed_json_is_400(client: APIClient) -> None:
    response = client.post("/t/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body could not be read."


@override_settings(DEBUG=False)
def test_unexpected_error_is_a_generic_500_without_traceback(client: APIClient, caplog: Any) -> None:
    response = client.post("/t/?raise=boom", {}, format="json")
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side. Try again later."}
    assert "secret detail" not in response.content.decode() and "Traceback" not in response.content.decode()
    # The traceback goes to the log for the operators.
    assert any(record.exc_info and "secret detail" in str(record.exc_info[1]) for record in caplog.records)


def test_messages_are_translated(client: APIClient) -> None:
    response = client.post("/t/", {"name": "ok", "age": 1}, format="json", HTTP_ACCEPT_LANGUAGE="sw")
    assert response.status_code == 400
    assert response.json()["detail"] != "The request is not valid. See the errors for each field."
    assert client.post("/t/?raise=http404", {}, format="json", HTTP_ACCEPT_LANGUAGE="sw").json() == {
        "detail": "Haikupatikana."
    }

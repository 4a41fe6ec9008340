"""ScopedViewSetMixin, exercised by a test-local viewset over ApiToken whose view and write
permissions differ (see user.view, change needs api.token_manage), so every answer shows:
listed in scope, 404 outside, 403 in scope but read-only, 403 without the view permission."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.api.models import ApiToken

pytestmark = pytest.mark.django_db


class _TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["public_id", "name"]


class _ViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ApiToken.objects.all()
    serializer_class = _TokenSerializer
    view_permission = P.USER_VIEW
    write_permission = P.API_TOKEN_MANAGE
    action_write_permissions = {"rename": [P.API_TOKEN_MANAGE, P.USER_MANAGE]}

    @action(detail=True, methods=["post"])
    def touch(self, request: Request, public_id: str) -> Response:
        return Response({"name": self.get_object().name})

    @action(detail=True, methods=["post"])
    def rename(self, request: Request, public_id: str) -> Response:
        return Response({"name": self.get_object().name})


class _NoWriteViewSet(_ViewSet):
    write_permission = None
    action_write_permissions = {}


factory = APIRequestFactory()


def _call(viewset: Any, user: Any, method: str, action_name: str, token: ApiToken | None = None) -> Any:
    view = viewset.as_view({method: action_name})
    request = getattr(factory, method)("/")
    force_authenticate(request, user=user)
    kwargs = {"public_id": str(token.public_id)} if token is not None else {}
    return view(request, **kwargs)


@pytest.fixture
def tokens(cast: Any, issue: Any) -> dict[str, ApiToken]:
    return {"nairobi": issue(cast.nairobi_officer)[0], "turkana": issue(cast.turkana_officer)[0]}


def test_list_is_narrowed_to_the_scope(cast: Any, tokens: dict[str, ApiToken]) -> None:
    response = _call(_ViewSet, cast.nairobi_coordinator, "get", "list")
    assert response.status_code == 200
    assert [row["public_id"] for row in response.data["results"]] == [str(tokens["nairobi"].public_id)]
    everything = _call(_ViewSet, cast.admin, "get", "list")
    assert {row["public_id"] for row in everything.data["results"]} == {str(t.public_id) for t in tokens.values()}


def test_detail_outside_the_scope_is_404(cast: Any, tokens: dict[str, ApiToken]) -> None:
    assert _call(_ViewSet, cast.nairobi_coordinator, "get", "retrieve", tokens["nairobi"]).status_code == 200
    assert _call(_ViewSet, cast.nairobi_coordinator, "get", "retrieve", tokens["turkana"]).status_code == 404


def test_write_in_scope_with_the_write_permission_passes(scoped_managers: Any, tokens: dict[str, ApiToken]) -> None:
    cast = scoped_managers
    # The coordinator now holds api.token_manage at the Nairobi office: writes in Nairobi only.
    assert _call(_ViewSet, cast.nairobi_coordinator, "post", "touch", tokens["nairobi"]).status_code == 200
    assert _call(_ViewSet, cast.nairobi_coordinator, "post", "touch", tokens["turkana"]).status_code == 404


def test_write_without_the_write_permission_anywhere_is_403(cast: Any, tokens: dict[str, ApiToken]) -> None:
    assert _call(_ViewSet, cast.nairobi_coordinator, "post", "touch", tokens["nairobi"]).status_code == 403


def test_write_visible_but_not_writable_here_is_403(cast: Any, tokens: dict[str, ApiToken]) -> None:
    from cpims.accounts.models import Assignment, Role

    # The Turkana coordinator sees Turkana users (user.view) and gets api.token_manage only for
    # what they own (a volunteer-like own-scope role): the Turkana token is visible, not writable.
    role = Role.objects.create(
        code="own_token_manager", name="Own tokens", scope="own", permissions=[P.API_TOKEN_MANAGE]
    )
    Assignment.objects.create(user=cast.turkana_coordinator, role=role, org_unit=cast.turkana_office)
    assert _call(_ViewSet, cast.turkana_coordinator, "get", "retrieve", tokens["turkana"]).status_code == 200
    assert _call(_ViewSet, cast.turkana_coordinator, "post", "touch", tokens["turkana"]).status_code == 403
    assert _call(_ViewSet, cast.turkana_coordinator, "post", "touch", tokens["nairobi"]).status_code == 404


def test_per_action_write_permissions(cast: Any, tokens: dict[str, ApiToken]) -> None:
    # rename needs api.token_manage and user.manage; the system administrator holds both.
    assert _call(_ViewSet, cast.admin, "post", "rename", tokens["nairobi"]).status_code == 200


def test_no_view_permission_is_403(cast: Any, tokens: dict[str, ApiToken]) -> None:
    for user in (cast.nairobi_officer, cast.stakeholder, cast.partner):
        assert _call(_ViewSet, user, "get", "list").status_code == 403
        assert _call(_ViewSet, user, "get", "retrieve", tokens["nairobi"]).status_code == 403


def test_unsafe_methods_need_a_configured_write_permission(cast: Any, tokens: dict[str, ApiToken]) -> None:
    assert _call(_NoWriteViewSet, cast.admin, "get", "retrieve", tokens["nairobi"]).status_code == 200
    assert _call(_NoWriteViewSet, cast.admin, "post", "touch", tokens["nairobi"]).status_code == 403


def test_malformed_id_is_404(cast: Any) -> None:
    view = _ViewSet.as_view({"get": "retrieve"})
    request = factory.get("/")
    force_authenticate(request, user=cast.admin)
    assert view(request, public_id="not-a-uuid").status_code == 404


def test_anonymous_is_refused(cast: Any, tokens: dict[str, ApiToken]) -> None:
    view = _ViewSet.as_view({"get": "list"})
    assert view(factory.get("/")).status_code == 401

"""JSON endpoints for API tokens: list, read and revoke.

Issuing is deliberately not offered here: a new secret is shown once to a person, on the web page
(api:token_create), so a leaked token cannot be used to mint more tokens.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cpims.accounts import permissions as P
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.types import AuthenticatedApiRequest
from cpims.api.actions import token_revoke
from cpims.api.models import ApiToken
from cpims.api.serializers import ApiTokenSerializer


class ApiTokenViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """API tokens of users in your scope (needs the permission to manage API tokens). The secret
    of a token is never returned; new tokens are issued on the web page."""

    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    view_permission = P.API_TOKEN_MANAGE
    write_permission = P.API_TOKEN_MANAGE

    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().select_related("user", "created_by")

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: AuthenticatedApiRequest, public_id: str | None = None) -> Response:
        """Revoke the token for good. Requests made with it are refused from now on."""
        token = self.get_object()
        token_revoke(actor=request.user, token=token, request=request._request)
        return Response(self.get_serializer(token).data)

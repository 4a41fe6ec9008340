"""REST API for accounts: a read-only user directory (scoped) and "who am I"."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from cpims.accounts import permissions as P
from cpims.accounts import queries
from cpims.accounts.drf import ScopedViewSetMixin
from cpims.accounts.models import User
from cpims.accounts.serializers import MeSerializer, UserSerializer
from cpims.accounts.types import AuthenticatedApiRequest


class UserViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """User accounts in your scope (needs the permission to see user accounts), with their
    current roles. Passwords, sessions and second-factor devices are never returned."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    view_permission = P.USER_VIEW

    def get_base_queryset(self) -> Any:
        return queries.with_active_assignments(super().get_base_queryset().order_by("username"))


class MeView(APIView):
    """The signed-in caller: their details, roles at org units, and the permissions they hold."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: AuthenticatedApiRequest) -> Response:
        user = request.user
        data = {
            "public_id": user.public_id,
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "assignments": list(queries.assignments_of(user)),
            "permissions": queries.permissions_of(user),
            "two_factor_enabled": queries.has_confirmed_totp(user),
        }
        return Response(MeSerializer(data).data)

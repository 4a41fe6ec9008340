"""The base for every scoped API viewset: lists and lookups go through cpims.accounts.scope.

Usage::

    class CaseViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
        queryset = Case.objects.all()          # unscoped; the mixin narrows it
        serializer_class = CaseSerializer
        view_permission = P.CASE_VIEW          # needed to see anything at all
        write_permission = P.CASE_UPDATE       # needed for POST/PUT/PATCH/DELETE
        action_write_permissions = {"close": P.CASE_CLOSE}   # per-action override

        def get_base_queryset(self):           # add select_related etc. here, not in get_queryset
            return super().get_base_queryset().select_related("child")

What the mixin guarantees:

* The request is refused with 403 unless the user holds ``view_permission`` somewhere, and, for
  an unsafe method, every write permission of the action somewhere. Unsafe methods need a write
  permission: with none configured they are refused (safe by default).
* ``get_queryset`` (lists) is ``scope.restrict(user, base, view_permission)``: only records in
  the user's grants.
* ``get_object`` (detail, update, delete, detail actions) uses ``scope.get_for``: **404** when
  the record does not exist or lies outside every grant with ``view_permission`` (we do not
  confirm it exists), **403** when it is visible but the user lacks the write permission over
  this record. A malformed id is a 404 too.
* Records are looked up by ``public_id`` (never the database id).

Creating records is not covered by ``get_object``: the action that creates must check that the
target (e.g. the org unit or child the new record belongs to) is within the user's scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from cpims.accounts import scope


class ScopedPermission(BasePermission):
    """Request-level check for ``ScopedViewSetMixin`` views (the record-level one is in get_object)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not scope.has_perm(user, view.view_permission):  # type: ignore[attr-defined]
            return False
        if request.method in SAFE_METHODS:
            return True
        needed = view.get_write_permissions()  # type: ignore[attr-defined]
        return bool(needed) and all(scope.has_perm(user, perm) for perm in needed)


class ScopedViewSetMixin:
    """Results are limited to the records the caller's roles reach. A record outside that scope
    answers 404; one the caller may see but not change answers 403 to a change."""

    # (This docstring is the default description of scoped endpoints in the OpenAPI schema, so it
    # speaks to API users; the developer notes are in the module docstring.)

    view_permission: str = ""
    write_permission: str | Iterable[str] | None = None
    action_write_permissions: dict[str, str | Iterable[str]] = {}
    lookup_field = "public_id"
    permission_classes = [ScopedPermission]

    # Provided by the DRF generic view this is mixed into.
    request: Request
    kwargs: dict[str, Any]
    action: str | None
    lookup_url_kwarg: str | None

    def get_write_permissions(self) -> list[str]:
        """The permissions an unsafe request to the current action needs (all of them)."""
        perms = self.action_write_permissions.get(self.action or "", self.write_permission)
        if perms is None:
            return []
        return [perms] if isinstance(perms, str) else list(perms)

    def get_base_queryset(self) -> QuerySet[Any]:
        """The unscoped queryset; override this (not get_queryset) to add joins or filters."""
        return super().get_queryset()  # type: ignore[misc]

    def get_queryset(self) -> QuerySet[Any]:
        if not self.view_permission:
            raise AssertionError(f"{type(self).__name__} must set view_permission.")
        return scope.restrict(self.request.user, self.get_base_queryset(), self.view_permission)

    def get_object(self) -> Model:
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        write = None if self.request.method in SAFE_METHODS else self.get_write_permissions()
        queryset = self.filter_queryset(self.get_base_queryset())  # type: ignore[attr-defined]
        try:
            obj = scope.get_for(
                self.request.user,
                queryset,
                view=self.view_permission,
                write=write or None,
                **{self.lookup_field: self.kwargs[lookup_url_kwarg]},
            )
        except DjangoValidationError as exc:  # e.g. "not-a-uuid" for a UUID field
            raise Http404 from exc
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj

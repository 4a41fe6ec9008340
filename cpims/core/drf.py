"""What the apps' API modules share: code and public-id fields, and reading a request body."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from cpims.core.forms import MAX_ID
from cpims.core.models import Code


class CodeField(serializers.SlugRelatedField):
    """A DCS code (e.g. "CSIC") of one code list, written and read as the code."""

    def __init__(self, list_name: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "queryset", Code.objects.filter(code_list__name=list_name, is_active=True).select_related("code_list")
        )
        super().__init__(slug_field="code", **kwargs)


def code_ref(**kwargs: Any) -> serializers.SlugRelatedField:
    """A coded value as the API returns it: the code (read-only)."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


def public_id_ref(**kwargs: Any) -> serializers.SlugRelatedField:
    """A related record as the API returns it: its public id (read-only)."""
    return serializers.SlugRelatedField(slug_field="public_id", read_only=True, **kwargs)


def validated(serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    """The request body as ``serializer_class`` validates it; invalid input is a 400 with the errors.

    An action's Django ValidationError needs no converting: cpims.api.exceptions answers it with
    the same error body."""
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def version_field(**kwargs: Any) -> serializers.IntegerField:
    """The row version a client read (optimistic locking). Bounded: the version is compared in
    the database, and a number no 64-bit integer holds would make the driver raise (a 500)."""
    return serializers.IntegerField(min_value=0, max_value=MAX_ID, **kwargs)

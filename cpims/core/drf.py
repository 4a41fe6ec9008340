"""What the apps' API modules share: code and public-id fields, and reading a request body."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
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


class VersionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "version_required"
    default_detail = _(
        "Send the version you read, in the 'version' field or an If-Match header: a change that does "
        "not say which version it was based on is refused, so nobody's changes are overwritten silently."
    )


_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def expected_version(request: Request, data: dict[str, Any]) -> int:
    """The version a change was based on: the body's ``version``, else the If-Match header (an
    ETag of the form ``"12"``). Without either the change is refused (428); a value that is not a
    version is a 400."""
    version = data.pop("version", None)
    if version is not None:
        return int(version)
    header = request.headers.get("If-Match")
    if header is None:
        raise VersionRequired
    match = _IF_MATCH.match(header)
    if match is None:
        raise exceptions.ValidationError({"version": [_("The If-Match header must hold the version you read.")]})
    return int(match.group(1))


def etag(version: int) -> str:
    """The ETag a record's version is sent back as (for If-Match)."""
    return f'"{version}"'

"""REST API for the DCS code lists (reference data; any signed-in user may read them).

A list is fetched by its name (``/code-lists/case_category_id/``) with its codes in display
order. Retired codes are included with ``is_active: false`` so old records stay readable; pass
``active_only=true`` to leave them out.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from cpims.core import files
from cpims.core.models import Code, CodeList


class CodeSerializer(serializers.ModelSerializer):
    sub_list = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True, help_text=_("Name of the list that refines this code.")
    )

    class Meta:
        model = Code
        fields = ["code", "label", "label_sw", "short_label", "order", "sub_list", "is_active"]
        read_only_fields = fields


class CodeListSerializer(serializers.ModelSerializer):
    codes = CodeSerializer(many=True, read_only=True)

    class Meta:
        model = CodeList
        fields = ["name", "title", "version", "codes"]
        read_only_fields = fields


_ACTIVE_ONLY = OpenApiParameter(
    "active_only", OpenApiTypes.BOOL, description=_("Leave out retired codes (default false).")
)
_NAME = OpenApiParameter(
    "name", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("List name, e.g. case_category_id.")
)


@extend_schema_view(
    list=extend_schema(summary=_("List code lists"), parameters=[_ACTIVE_ONLY]),
    retrieve=extend_schema(summary=_("One code list with its codes"), parameters=[_NAME, _ACTIVE_ONLY]),
)
class CodeListViewSet(viewsets.ReadOnlyModelViewSet):
    """The DCS code lists with their codes."""

    serializer_class = CodeListSerializer
    lookup_field = "name"
    lookup_value_regex = r"[A-Za-z0-9_\-]+"
    filter_backends: list[type] = []
    queryset = CodeList.objects.none()

    def get_queryset(self) -> QuerySet[CodeList]:
        codes = Code.objects.select_related("sub_list").order_by("order", "label")
        if self.request.query_params.get("active_only", "").lower() in ("1", "true", "yes"):
            codes = codes.filter(is_active=True)
        return CodeList.objects.prefetch_related(Prefetch("codes", queryset=codes)).order_by("name")


class PrivateFileView(APIView):
    """A signed file link for API clients (cpims.core.files), with their token or session."""

    @extend_schema(
        operation_id="files_fetch",
        summary=_("Fetch a private file through a signed link"),
        description=_(
            "Streams the file a signed link names, to the user it was made for, after the scope "
            "check. An expired link is refused (403); a link made for someone else, an altered "
            "link or a file outside your scope is 404."
        ),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 403: None, 404: None},
    )
    def get(self, request: Request, token: str) -> FileResponse:
        return files.stream(files.resolve_signed(request.user, token, request=request))

"""OpenAPI description of our authentication (imported by ApiConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cpims.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("An API token issued by a CPIMS administrator: Authorization: Bearer cpims_…"),
        }


class AnonymousRateLimitScheme(OpenApiAuthenticationExtension):
    """``AnonymousRateLimit`` authenticates nobody (it only counts anonymous requests): no scheme."""

    target_class = "cpims.api.throttling.AnonymousRateLimit"
    name: list[str] = []

    def get_security_requirement(self, auto_schema: Any) -> Any:
        return None  # drf-spectacular reads None as "no requirement"; its stubs do not say so

    def get_security_definition(self, auto_schema: Any) -> list[Any]:
        return []

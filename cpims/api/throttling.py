"""Rate limits for the API (settings ``REST_FRAMEWORK``): 30 requests a minute per address
without credentials, 600 a minute per user.

DRF checks throttles after authentication and permissions, so a request without credentials
to an endpoint that needs them would be refused (401/403) without ever being counted: an
address could hammer the API for free. ``AnonymousRateLimit`` runs as the first authentication
class: a request with no ``Authorization`` header and no signed-in session is counted against
the anonymous rate there, before any permission check, and refused with 429 past it.
``AnonRateThrottle`` (the throttle class in settings) does not count the same request twice,
and knows an address as the audit log does (``client_ip``: X-Forwarded-For only from our own
proxies), so a client cannot dodge the limit by writing its own X-Forwarded-For.
The counts live in the shared cache (settings ``CACHES``), so every web process sees them.
"""

from __future__ import annotations

from typing import Any

from rest_framework import throttling
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import Throttled
from rest_framework.request import Request

from cpims.audit.actions import client_ip

_COUNTED = "_cpims_anon_counted"


def _has_credentials(request: Request) -> bool:
    user = getattr(request._request, "user", None)
    return bool(request.META.get("HTTP_AUTHORIZATION")) or bool(user is not None and user.is_authenticated)


class AnonRateThrottle(throttling.AnonRateThrottle):
    """The anonymous rate, counted once per request (``AnonymousRateLimit`` may have counted it)."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or "unknown"

    def allow_request(self, request: Request, view: Any) -> bool:
        if getattr(request._request, _COUNTED, False):
            return True
        return super().allow_request(request, view)


class _AnonymousCounter(AnonRateThrottle):
    """The same count, for a request already known to carry no credentials: it does not ask
    ``request.user``, which would start authentication again from inside it."""

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonymousRateLimit(BaseAuthentication):
    """Authenticates nobody; counts a request without credentials against the anonymous rate."""

    def authenticate(self, request: Request) -> None:
        if _has_credentials(request) or getattr(request._request, _COUNTED, False):
            return None
        throttle = _AnonymousCounter()
        allowed = throttle.allow_request(request, None)
        setattr(request._request, _COUNTED, True)
        if not allowed:
            raise Throttled(wait=throttle.wait())
        return None

    def authenticate_header(self, request: Request) -> str:
        # DRF asks the first authentication class: keep answering 401 (not 403) without credentials.
        from cpims.api.authentication import ApiTokenAuthentication

        return ApiTokenAuthentication().authenticate_header(request)

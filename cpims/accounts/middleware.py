"""Session limits and two-factor enforcement.

Both run after AuthenticationMiddleware and OTPMiddleware and before the messages middleware, so
they say why they sent someone to the sign-in page through the URL, not a flash message.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from cpims.accounts import actions, queries, scope
from cpims.accounts.models import User

# Activity is written to the session at most once a minute, not on every request.
_SEEN_RESOLUTION_SECONDS = 60


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _with_next(url: str, request: HttpRequest, **extra: str) -> str:
    params = dict(extra)
    if request.method == "GET":
        params["next"] = request.get_full_path()
    return f"{url}?{urlencode(params)}" if params else url


class ScopeMemoMiddleware:
    """Answers each scope question about a row once per GET/HEAD request (``scope.request_memo``).

    The grants themselves are read once per request already (cached on ``request.user``, a new
    object each request). Writes are left out: an action that moves a record must not be answered
    from before the move."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with scope.request_memo():
            return self.get_response(request)


class SessionLimitsMiddleware:
    """Ends a session idle for CPIMS_SESSION_IDLE_SECONDS or older than CPIMS_SESSION_ABSOLUTE_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._check(request)
            if expired:
                actions.session_expire(request=request, reason=expired)
                if _is_api(request):
                    return JsonResponse({"detail": _("Your session has ended. Sign in again.")}, status=401)
                return _redirect(request, _with_next(reverse("accounts:login"), request, expired=expired))
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> str | None:
        session = request.session
        now = int(time.time())
        auth_at = session.get(actions.SESSION_AUTH_AT)
        seen_at = session.get(actions.SESSION_SEEN_AT)
        if not isinstance(auth_at, int) or not isinstance(seen_at, int):
            # A session made without our login view (e.g. a test's force_login): start the clocks.
            session[actions.SESSION_AUTH_AT] = auth_at if isinstance(auth_at, int) else now
            session[actions.SESSION_SEEN_AT] = now
            return None
        if now - auth_at >= settings.CPIMS_SESSION_ABSOLUTE_SECONDS:
            return "absolute"
        if now - seen_at >= settings.CPIMS_SESSION_IDLE_SECONDS:
            return "idle"
        if now - seen_at >= _SEEN_RESOLUTION_SECONDS:
            session[actions.SESSION_SEEN_AT] = now
        return None


@functools.cache
def _allowed_paths(urlconf: str | None) -> frozenset[str]:
    """The second-factor pages, sign-in and sign-out, reversed once per URL configuration."""
    paths = set()
    for name in TwoFactorRequiredMiddleware.ALLOWED_NAMES:
        try:
            paths.add(reverse(name, urlconf=urlconf))
        except NoReverseMatch:
            continue
    return frozenset(paths)


class TwoFactorRequiredMiddleware:
    """Sends a user whose roles need a second factor to verify it (or set it up) before anything else."""

    # Paths open before the second factor: the pages to pass it, signing out, language, health.
    ALLOWED_NAMES = ("accounts:2fa_setup", "accounts:2fa_verify", "accounts:logout", "accounts:login")
    _ALLOWED_PREFIXES = ("/i18n/", "/healthz", "/livez", "/readyz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(settings, "CPIMS_REQUIRE_2FA", True):
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and not self._allowed(request.path)
                and queries.requires_2fa(user)
                and not user.is_verified()
            ):
                return self._refuse(request, user)
        return self.get_response(request)

    def _allowed(self, path: str) -> bool:
        if path.startswith(self._ALLOWED_PREFIXES) or path.startswith(settings.STATIC_URL):
            return True
        return path in _allowed_paths(get_urlconf())

    @staticmethod
    def _refuse(request: HttpRequest, user: User) -> HttpResponse:
        if _is_api(request):
            return JsonResponse(
                {"detail": _("Two-factor authentication is required. Sign in on the web and verify your code.")},
                status=403,
            )
        name = "accounts:2fa_verify" if queries.has_confirmed_totp(user) else "accounts:2fa_setup"
        return _redirect(request, _with_next(reverse(name), request))

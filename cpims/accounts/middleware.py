"""Session limits and two-factor enforcement.

Both run after AuthenticationMiddleware and OTPMiddleware and before the messages middleware, so
they say why they sent someone to the sign-in page through the URL, not a flash message.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware

from cpims.accounts import actions, backends, queries, scope
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


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware (``request.user.otp_device``, ``is_verified()``), with the session's
    TOTP device read in the same query as the user and their grants (``cpims.accounts.backends``)
    instead of a query of its own. The checks on the device are django-otp's (``_finalize_device``):
    the user's own, confirmed, else dropped from the session. A device of another kind (recovery
    codes), or a user not loaded by ``UserBackend``, is read by django-otp as before."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        device_id = backends.totp_device_id(persistent_id)
        with backends.session_device(device_id):
            self._init_user_fields(user)  # loads the (lazy) user, with the device when named
        if user.is_authenticated:
            read = getattr(user, backends.SESSION_DEVICE_ATTR, None)
            if read is not None and device_id is not None and read[0] == device_id:
                device = read[1]
            else:
                device = self._device_from_persistent_id(persistent_id) if persistent_id else None
            user.otp_device = self._finalize_device(request, user, device)
        return user


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

"""Types of the people who act, for type checking (nothing here runs differently)."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from cpims.accounts.models import User

# ``request.user`` before any login check: the scope rules answer "nothing" for an anonymous user.
AnyUser: TypeAlias = User | AnonymousUser


class AuthenticatedRequest(HttpRequest):
    """A request behind ``login_required``: its user is a signed-in ``User``.

    Only an annotation: Django still passes a plain ``HttpRequest``; the login check is what makes
    the narrower type true.
    """

    user: User
    htmx: HtmxDetails  # set by django_htmx's HtmxMiddleware on every request


class AuthenticatedApiRequest(Request):
    """An API request behind ``IsAuthenticated``: its user is a signed-in ``User`` (annotation only).

    A viewset method that overrides DRF's own (``create``, ``retrieve``...) narrows ``Request`` with
    ``# type: ignore[override]``; a viewset that reads ``self.request.user`` declares
    ``request: AuthenticatedApiRequest`` on the concrete class (a mixin cannot: it clashes with APIView's).
    """

    user: User

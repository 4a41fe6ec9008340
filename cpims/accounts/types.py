"""Types of the people who act, for type checking (nothing here runs differently)."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
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


class AuthenticatedApiRequest(Request):
    """An API request behind ``IsAuthenticated``: its user is a signed-in ``User`` (annotation only)."""

    user: User

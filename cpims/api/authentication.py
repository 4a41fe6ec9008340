"""``Authorization: Bearer <token>`` authentication for partner systems and devices.

The secret is hashed and looked up by its hash, so no stored secret is ever compared character
by character. Unknown, malformed, revoked and expired tokens, and tokens of inactive users, are
refused with 401. ``last_used_at`` is written at most once a minute per token.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from cpims.api import keys
from cpims.api.models import ApiToken

KEYWORD = "Bearer"
LAST_USED_EVERY = timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: let the next authenticator (session) try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        return self.authenticate_secret(secret)

    def authenticate_secret(self, secret: str) -> tuple[Any, ApiToken]:
        if not keys.looks_like_token(secret):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        digest = keys.hash_secret(secret)
        token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
        if token is None or not hmac.compare_digest(token.key_hash, digest):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        user = token.user
        if not user.is_active or getattr(user, "deactivated_at", None) is not None:
            raise exceptions.AuthenticationFailed(_("This user account is not active."))
        self._touch(token)
        return user, token

    @staticmethod
    def _touch(token: ApiToken) -> None:
        now = timezone.now()
        if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
            return
        # The condition is repeated in the UPDATE so concurrent requests write once between them.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
        token.last_used_at = now

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) when credentials are missing or wrong.
        return f'{KEYWORD} realm="api"'

"""Writes about API tokens. Each action runs in one transaction with its audit event."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.api import keys
from cpims.api.models import ApiToken
from cpims.api.queries import may_issue_for
from cpims.audit.actions import audit_record


@transaction.atomic
def token_issue(
    *,
    actor: User,
    user: User,
    name: str,
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token acting as ``user``. Returns the token and its secret, which is not stored
    anywhere and must be shown to the actor now or never."""
    if not may_issue_for(actor, user):
        raise PermissionDenied
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the token a name.")
    if not user.is_active or getattr(user, "deactivated_at", None) is not None:
        errors["user"] = _("This user account is not active.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry must be in the future.")
    if errors:
        raise ValidationError(errors)
    secret = keys.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=keys.prefix_of(secret),
        key_hash=keys.hash_secret(secret),
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        object_label=token.key_prefix,
        request=request,
        details={
            "user": str(user.public_id),
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    """Revoke ``token`` for good. The caller has checked that ``actor`` may manage it."""
    # Lock the row so two revocations cannot both succeed.
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    token.revoked_at = locked.revoked_at
    audit_record(
        actor=actor,
        action="api_token.revoke",
        obj=locked,
        object_label=locked.key_prefix,
        request=request,
        details={"user": str(token.user.public_id)},
    )
    return token

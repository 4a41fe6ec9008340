"""Reads about API tokens, all through the scope rules (cpims.accounts.scope).

A token is in scope where its user is. Issuing a token hands its secret to the issuer, who can
then act as that user; so beyond "the user is in my scope", an issuer may only issue for a user
whose every role lies within the issuer's own reach (see ``may_issue_for``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.api.models import ApiToken
from cpims.geo.models import OrgUnit

# How far a scope level reaches, narrowest first.
_SCOPE_RANK = {"own": 0, "org_unit": 1, "area": 2, "national": 3}


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """The tokens ``user`` may see and manage, newest first."""
    return scope.restrict(user, ApiToken.objects.select_related("user", "created_by"), P.API_TOKEN_MANAGE)


def token_for(user: User, public_id: UUID | str, *, write: bool = False) -> ApiToken:
    """One token through the scope rules: 404 outside scope, 403 when ``write`` is not allowed."""
    return scope.get_for(
        user,
        ApiToken.objects.select_related("user"),
        view=P.API_TOKEN_MANAGE,
        write=P.API_TOKEN_MANAGE if write else None,
        public_id=public_id,
    )


def token_users_for(user: User) -> QuerySet[Any]:
    """Active users in ``user``'s scope for token management (candidates for a new token)."""
    users = get_user_model().objects.filter(is_active=True, deactivated_at__isnull=True)
    return scope.restrict(user, users, P.API_TOKEN_MANAGE)


def may_issue_for(actor: User, user: User) -> bool:
    """True if ``actor`` may issue a token acting as ``user``.

    The user must be in the actor's scope, and each of the user's grants must be no wider than
    the actor's widest token-management grant and sit at an org unit the actor reaches, so a
    manager cannot obtain a token that sees more than they could grant themselves.
    """
    if not scope.can(actor, P.API_TOKEN_MANAGE, user):
        return False
    own = scope.grants_for(actor).with_perm(P.API_TOKEN_MANAGE)
    widest = max((_SCOPE_RANK.get(g.scope, 0) for g in own), default=-1)
    if widest == _SCOPE_RANK["national"]:
        return True
    theirs = scope.grants_for(user).items
    if any(_SCOPE_RANK.get(g.scope, 0) > widest for g in theirs):
        return False
    unit_ids = {g.org_unit_id for g in theirs}
    if not unit_ids:
        return True
    reached = scope.restrict(actor, OrgUnit.objects.filter(pk__in=unit_ids), P.API_TOKEN_MANAGE).count()
    return reached == len(unit_ids)

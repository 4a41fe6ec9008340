"""Reads about users, roles, assignments, sessions and second-factor devices.

Every read of another user's account starts from the scope rules (cpims.accounts.scope).
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import Assignment, Role, User, UserSession
from cpims.geo.models import OrgUnit


def assignments_of(user: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(user=user, is_active=True).select_related("role", "org_unit").order_by("role__name")
    )


# --- Two-factor -------------------------------------------------------------------------------


def requires_2fa(user: User) -> bool:
    """True if any active assignment of ``user`` carries a role that sees more than aggregates.

    Reads the grants the scope rules already computed for this request, so it costs no query when
    a view asks for them too.
    """
    return any(Role.perms_require_2fa(g.perms) for g in scope.grants_for(user).items)


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def totp_device_pending(user: User) -> TOTPDevice | None:
    """The authenticator being set up (created, not yet confirmed with a code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


# --- Sessions --------------------------------------------------------------------------------


def session_keys_of(user: User) -> list[str]:
    return list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


# --- User administration ---------------------------------------------------------------------


def with_active_assignments(users: QuerySet[User]) -> QuerySet[User]:
    """``users`` with their active assignments (role, org unit) in ``active_assignments``: one query."""
    return users.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(is_active=True)
            .select_related("role", "org_unit")
            .order_by("role__name"),
            to_attr="active_assignments",
        )
    )


def users_visible_to(actor: User, *, search: str = "", status: str = "") -> QuerySet[User]:
    """Users ``actor`` may see, with their active assignments prefetched (three queries a page)."""
    qs = scope.restrict(actor, User.objects.all(), P.USER_VIEW)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return with_active_assignments(qs.order_by("username"))


def user_for(actor: User, public_id: UUID | str, *, write: bool = False) -> User:
    """One user through the scope rules: 403 without user.view anywhere, 404 outside scope, 403 when
    in scope but read-only."""
    scope.require_perm(actor, P.USER_VIEW)
    return scope.get_for(
        actor,
        User.objects.all(),
        view=P.USER_VIEW,
        write=P.USER_MANAGE if write else None,
        public_id=public_id,
    )


def assignments_of_user(user: User) -> QuerySet[Assignment]:
    """All assignments of ``user``, current first, for the detail page."""
    return (
        Assignment.objects.filter(user=user)
        .select_related("role", "org_unit", "created_by")
        .order_by("-is_active", "role__name", "-created_at")
    )


def assignment_for(user: User, public_id: UUID | str) -> Assignment:
    """An active assignment of ``user`` (who was fetched through the scope rules); the action checks
    the actor's right to end it."""
    try:
        return Assignment.objects.select_related("role", "org_unit").get(user=user, public_id=public_id, is_active=True)
    except (Assignment.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def org_units_manageable_by(actor: User) -> QuerySet[OrgUnit]:
    """Active org units within the actor's user-management scope."""
    return scope.restrict(actor, OrgUnit.objects.filter(is_active=True), P.USER_MANAGE).order_by("name")


# How far a role reaches: a user manager may not grant a role reaching wider than their own grant.
SCOPE_RANK = {Role.Scope.OWN: 0, Role.Scope.ORG_UNIT: 1, Role.Scope.AREA: 2, Role.Scope.NATIONAL: 3}


def roles_grantable_by(actor: User) -> QuerySet[Role]:
    """Roles the actor may offer: every role for a superuser or a holder of user.grant_any_role
    (the system administrator: granting roles is that role's job, docs/security.md); otherwise the
    roles whose every permission the actor holds, reaching no wider than their user management.
    ``actions._check_grant`` checks the same again, with the org unit, when the grant is made."""
    roles = Role.objects.order_by("name")
    if getattr(actor, "is_superuser", False):
        return roles
    grants = scope.grants_for(actor)
    if grants.with_perm(P.USER_GRANT_ANY_ROLE):
        return roles
    held = grants.all_perms
    widest = max((SCOPE_RANK.get(g.scope, -1) for g in grants.with_perm(P.USER_MANAGE)), default=-1)
    ids = [r.pk for r in roles if set(r.permissions) <= held and SCOPE_RANK.get(r.scope, 99) <= widest]
    return roles.filter(pk__in=ids)


def permissions_of(user: User) -> list[str]:
    return sorted(scope.grants_for(user).all_perms)

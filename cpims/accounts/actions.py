"""Every write about accounts: sign-in and sign-out, second factor, user administration.

Each action runs in one transaction and writes its audit event in it. Errors the user can fix
are raised as ``ValidationError`` (after any audit event of the failed attempt is committed);
acting outside one's scope raises ``PermissionDenied``.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpims.accounts import permissions as P
from cpims.accounts import queries, scope
from cpims.accounts.models import Assignment, Role, User, UserSession
from cpims.accounts.types import AuthenticatedRequest
from cpims.audit.actions import audit_record
from cpims.audit.models import AuditEvent
from cpims.core.edits import changed_fields, lock_for_edit
from cpims.geo.models import OrgUnit

# Session keys for the idle and absolute limits (seconds since the epoch).
SESSION_AUTH_AT = "cpims_auth_at"
SESSION_SEEN_AT = "cpims_seen_at"

RECOVERY_CODE_COUNT = 10
USER_EDITABLE_FIELDS = ("first_name", "last_name", "email", "phone", "preferred_language")

# --- Sessions --------------------------------------------------------------------------------


def session_started(*, request: HttpRequest, user: User) -> None:
    """A user has just logged in (the user_logged_in signal): remember the session, start its clocks."""
    now = int(time.time())
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN_AT] = now
    key = request.session.session_key
    with transaction.atomic():
        if key:
            UserSession.objects.update_or_create(session_key=key, defaults={"user": user})
        audit_record(actor=user, action="auth.login", obj=user, request=request)


def session_forget(*, request: HttpRequest) -> None:
    """The session is ending (the user_logged_out signal): drop its row."""
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    if key:
        UserSession.objects.filter(session_key=key).delete()


def _follow_new_key(request: HttpRequest, old: str | None) -> None:
    """Django gave the session a new key: keep the user's session row pointing at it."""
    new = request.session.session_key
    if old and new and old != new:
        UserSession.objects.filter(session_key=old).update(session_key=new)


def session_rekey(*, request: HttpRequest) -> None:
    """Give the session a new key after a privilege change (the second factor passed)."""
    old = request.session.session_key
    request.session.cycle_key()
    _follow_new_key(request, old)


def logout(*, request: HttpRequest) -> None:
    user = request.user
    with transaction.atomic():
        if user.is_authenticated:
            audit_record(actor=user, action="auth.logout", obj=user, request=request)
        auth_logout(request)


def session_expire(*, request: HttpRequest, reason: str) -> None:
    """End a session that passed its idle or absolute limit."""
    user = request.user
    with transaction.atomic():
        audit_record(actor=user, action="auth.session_expired", obj=user, request=request, details={"reason": reason})
        auth_logout(request)


def _sign_in_refused(*, action: str, outcome: str, request: HttpRequest | None, username: str) -> None:
    # The typed name is kept only when it names an account: anything else (a password typed in
    # the wrong box, a person's name) is not stored.
    user = queries.user_by_username(username)
    audit_record(
        actor=None,
        actor_username=user.username if user else "",
        action=action,
        obj=user,
        outcome=outcome,
        request=request,
        details={"username_known": user is not None},
    )


def login_failed(*, request: HttpRequest | None, username: str) -> None:
    """A wrong username or password (the user_login_failed signal)."""
    _sign_in_refused(action="auth.login_failed", outcome=AuditEvent.Outcome.FAILURE, request=request, username=username)


def lockout_recorded(*, request: HttpRequest | None, username: str) -> None:
    """django-axes locked the username out (its user_locked_out signal)."""
    _sign_in_refused(action="auth.lockout", outcome=AuditEvent.Outcome.DENIED, request=request, username=username)


def _end_sessions(user: User, *, keep: str | None = None) -> int:
    keys = [k for k in queries.session_keys_of(user) if k != keep]
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(keys)


def password_change(*, request: HttpRequest, user: User, new_password: str) -> None:
    """Change one's own password; every other session of the user ends."""
    validate_password(new_password, user)
    old_key = request.session.session_key
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "updated_at"])
        ended = _end_sessions(user, keep=old_key)
        update_session_auth_hash(request, user)  # gives this session a new key
        _follow_new_key(request, old_key)
        audit_record(
            actor=user, action="user.password_change", obj=user, request=request, details={"sessions_ended": ended}
        )


# --- Second factor ---------------------------------------------------------------------------


def _normalise_token(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_setup_begin(*, user: User) -> TOTPDevice:
    """The authenticator being set up: kept until confirmed, so reloading the page keeps the QR code."""
    device = queries.totp_device_pending(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_setup_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str]:
    """Confirm a new authenticator with a code from it. Replaces any earlier authenticator and
    issues fresh recovery codes, which are returned to be shown once."""
    user = request.user
    codes: list[str] = []
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        allowed, _info = device.verify_is_allowed()
        ok = allowed and device.verify_token(_normalise_token(token))
        throttled = not allowed
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _new_recovery_codes(user)
            audit_record(actor=user, action="auth.2fa_setup", obj=user, request=request)
        else:
            audit_record(
                actor=user,
                action="auth.2fa_failed",
                obj=user,
                outcome=AuditEvent.Outcome.FAILURE,
                request=request,
                details={"step": "setup", "throttled": throttled},
            )
    if not ok:
        raise _code_error(throttled)
    otp_login(request, device)
    session_rekey(request=request)
    return codes


def _code_error(throttled: bool) -> ValidationError:
    if throttled:
        return ValidationError(
            _("Too many wrong codes. Wait a minute, then try again with a new code."), code="throttled"
        )
    return ValidationError(_("That code is not right. Check the time on your phone and try again."), code="invalid")


def two_factor_verify(*, request: AuthenticatedRequest, token: str) -> tuple[str, int | None]:
    """Check a code from the authenticator, or a single-use recovery code.

    Returns the method used and, for a recovery code, how many are left.
    """
    user = request.user
    token = _normalise_token(token)
    # Authenticator codes are six digits; recovery codes are eight letters and digits.
    is_totp = token.isdigit() and len(token) == 6
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if is_totp else StaticDevice
    method = "totp" if is_totp else "recovery_code"
    matched = None
    throttled = False
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if token and device.verify_token(token):
                matched = device
                break
        if matched is not None:
            audit_record(actor=user, action="auth.2fa_verified", obj=user, request=request, details={"method": method})
        else:
            audit_record(
                actor=user,
                action="auth.2fa_failed",
                obj=user,
                outcome=AuditEvent.Outcome.FAILURE,
                request=request,
                details={"step": "verify", "method": method, "throttled": throttled},
            )
    if matched is None:
        raise _code_error(throttled)
    otp_login(request, matched)
    session_rekey(request=request)
    left = queries.recovery_codes_left(user) if not is_totp else None
    return method, left


def recovery_codes_regenerate(*, request: HttpRequest) -> list[str]:
    """New recovery codes for the (verified) user; the old ones stop working."""
    user = request.user
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="user.recovery_codes_regenerated", obj=user, request=request)
    return codes


# --- User administration ---------------------------------------------------------------------


def _require_manage(actor: User, user: User) -> None:
    if not scope.can(actor, P.USER_MANAGE, user):
        raise PermissionDenied


def _check_grant(actor: User, role: Role, org_unit: OrgUnit) -> None:
    """The actor may grant ``role`` at ``org_unit`` only if they hold every permission of the role,
    with a scope at least as wide, and manage users at that unit."""
    if not scope.restrict(actor, OrgUnit.objects.filter(pk=org_unit.pk), P.USER_MANAGE).exists():
        raise ValidationError(
            _("You cannot assign roles at %(unit)s: it is outside the units where you manage users.")
            % {"unit": org_unit.name},
            code="org_unit_out_of_scope",
        )
    # System administrators grant any role (that is their job), still only where they manage users.
    if scope.restrict(actor, OrgUnit.objects.filter(pk=org_unit.pk), P.USER_GRANT_ANY_ROLE).exists():
        return
    grants = scope.grants_for(actor)
    if not set(role.permissions) <= grants.all_perms:
        raise ValidationError(
            _("You cannot grant the role “%(role)s”: it carries permissions you do not hold yourself.")
            % {"role": role.display_name},
            code="role_not_grantable",
        )
    widest = max((queries.SCOPE_RANK.get(g.scope, -1) for g in grants.with_perm(P.USER_MANAGE)), default=-1)
    if queries.SCOPE_RANK.get(role.scope, 99) > widest:
        raise ValidationError(
            _("You cannot grant the role “%(role)s”: it reaches wider than your own scope.")
            % {"role": role.display_name},
            code="role_scope_too_wide",
        )


def user_create(
    *,
    actor: User,
    request: HttpRequest | None = None,
    username: str,
    password: str,
    role: Role,
    org_unit: OrgUnit,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    preferred_language: str = "en",
) -> User:
    """Create an account with a password set by the administrator and its first role."""
    _check_grant(actor, role, org_unit)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        preferred_language=preferred_language,
    )
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            assignment = Assignment.objects.create(user=user, role=role, org_unit=org_unit, created_by=actor)
            audit_record(
                actor=actor,
                action="user.create",
                obj=user,
                request=request,
                details={"role": role.code, "org_unit": org_unit.code},
            )
            _audit_assignment(actor, "assignment.create", assignment, request)
    except IntegrityError as exc:
        raise ValidationError(_("A user with that username already exists."), code="duplicate") from exc
    return user


def _audit_assignment(actor: User | None, action: str, assignment: Assignment, request: HttpRequest | None) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=assignment,
        request=request,
        details={
            "user": str(assignment.user.public_id),
            "role": assignment.role.code,
            "org_unit": assignment.org_unit.code,
        },
    )


def user_update(
    *,
    actor: User,
    request: HttpRequest | None = None,
    user: User,
    expected_updated_at: Any,
    **changes: Any,
) -> list[str]:
    """Edit an account's details. Refused when the account changed since the form was opened.

    Returns the names of the fields that changed (the audit event keeps names, not values).
    """
    unknown = set(changes) - set(USER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _require_manage(actor, user)
    with transaction.atomic():
        current = lock_for_edit(
            user,
            field="updated_at",
            expected=expected_updated_at,
            message=_(
                "Someone else changed this account while you were editing it. "
                "Reload the page and make your changes again."
            ),
            unchecked_ok=False,
        )
        changed = changed_fields(current, changes)
        if not changed:
            return []
        for name in changed:
            setattr(current, name, changes[name])
        current.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="user.update", obj=current, request=request, details={"fields": changed})
    user.refresh_from_db()
    return changed


def preferred_language_set(*, request: HttpRequest, user: User, language: str) -> None:
    if user.preferred_language == language:
        return
    with transaction.atomic():
        user.preferred_language = language
        user.save(update_fields=["preferred_language", "updated_at"])
        audit_record(
            actor=user, action="user.update", obj=user, request=request, details={"fields": ["preferred_language"]}
        )


def user_deactivate(*, actor: User, request: HttpRequest | None = None, user: User) -> int:
    """Deactivate an account and end its sessions at once. Returns how many sessions ended."""
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."), code="self")
    _require_manage(actor, user)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if not current.is_active:
            return 0
        current.is_active = False
        current.deactivated_at = timezone.now()
        current.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        ended = _end_sessions(current)
        audit_record(
            actor=actor, action="user.deactivate", obj=current, request=request, details={"sessions_ended": ended}
        )
    user.refresh_from_db()
    return ended


def user_reactivate(*, actor: User, request: HttpRequest | None = None, user: User) -> None:
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot reactivate your own account."), code="self")
    _require_manage(actor, user)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.is_active:
            return
        current.is_active = True
        current.deactivated_at = None
        current.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        audit_record(actor=actor, action="user.reactivate", obj=current, request=request)
    user.refresh_from_db()


def two_factor_reset(*, actor: User, request: HttpRequest | None = None, user: User) -> None:
    """Remove a user's authenticator and recovery codes (lost phone): they set up a new one at
    their next sign-in."""
    if actor.pk == user.pk:
        raise ValidationError(_("Use your profile page to replace your own authenticator."), code="self")
    _require_manage(actor, user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action="user.2fa_reset", obj=user, request=request)


def assignment_create(
    *, actor: User, request: HttpRequest | None = None, user: User, role: Role, org_unit: OrgUnit
) -> Assignment:
    """Give ``user`` a role at an org unit."""
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own roles."), code="self")
    _require_manage(actor, user)
    _check_grant(actor, role, org_unit)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(user=user, role=role, org_unit=org_unit, created_by=actor)
            _audit_assignment(actor, "assignment.create", assignment, request)
    except IntegrityError as exc:
        raise ValidationError(_("This user already holds that role at that unit."), code="duplicate") from exc
    return assignment


def assignment_end(*, actor: User, request: HttpRequest | None = None, assignment: Assignment) -> None:
    """End an assignment (kept, inactive, for the record)."""
    if actor.pk == assignment.user_id:
        raise ValidationError(_("You cannot change your own roles."), code="self")
    if not scope.restrict(actor, OrgUnit.objects.filter(pk=assignment.org_unit_id), P.USER_MANAGE).exists():
        raise PermissionDenied
    with transaction.atomic():
        current = (
            Assignment.objects.select_for_update().select_related("user", "role", "org_unit").get(pk=assignment.pk)
        )
        if not current.is_active:
            return
        current.is_active = False
        current.save(update_fields=["is_active", "updated_at"])
        _audit_assignment(actor, "assignment.end", current, request)
    assignment.refresh_from_db()


def system_admin_bootstrap(*, username: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create a system administrator at DCS-HQ from the command line (the first account of a new
    installation, or a recovery). Whoever runs it has the server, so no actor is checked; the
    event is audited as coming from the command."""
    role = Role.objects.get(code="system_admin")
    hq = OrgUnit.objects.get(code="DCS-HQ")
    user = User(username=username, first_name=first_name, last_name=last_name)
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            assignment = Assignment.objects.create(user=user, role=role, org_unit=hq)
            audit_record(
                actor=None,
                actor_username="manage.py create_admin",
                action="user.create",
                obj=user,
                details={"role": role.code, "org_unit": hq.code, "via": "command"},
            )
            _audit_assignment(None, "assignment.create", assignment, None)
    except IntegrityError as exc:
        raise ValidationError(_("A user with that username already exists."), code="duplicate") from exc
    return user

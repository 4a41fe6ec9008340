"""Loading the signed-in user of a request in one query.

Every signed-in page needs the user (``AuthenticationMiddleware``), the second-factor device named
in the session (``OTPMiddleware``) and the user's grants (``scope.grants_for``). Django asks for each
in a query of its own; ``UserBackend.get_user`` reads the three in one, joining the user's active
assignments (with role, unit and area) and, when the session names a TOTP device, that device.
What it reads is exactly what the three queries read, for this request only:

* the user: as ``ModelBackend.get_user`` (None if missing or inactive);
* the grants: cached on the user object (``scope.remember_grants``), as ``grants_for`` would;
* the device: handed to ``cpims.accounts.middleware.OTPMiddleware``, which applies django-otp's own
  checks to it (the user's, confirmed; else the session loses it). It joins on the user, so a
  device of another user is read as none, which django-otp's check refuses too.

The session's device id reaches ``get_user`` through a context variable set by
``OTPMiddleware`` only while it loads the user; without it (a user loaded elsewhere) the device is
read by django-otp as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import FilteredRelation, Q

from cpims.accounts import scope
from cpims.accounts.models import User

TOTP_LABEL = "otp_totp.totpdevice"
# (the session's TOTP device id, the device read with the user or None) on the loaded user.
SESSION_DEVICE_ATTR = "_cpims_session_device"

_SESSION_DEVICE: ContextVar[int | None] = ContextVar("cpims_session_device", default=None)


def totp_device_id(persistent_id: Any) -> int | None:
    """The id of the TOTP device a session names (django-otp's ``persistent_id``), else None."""
    if not isinstance(persistent_id, str) or "/" not in persistent_id:
        return None
    label, _, device_id = persistent_id.rpartition("/")
    if label.split(".")[-2:] != TOTP_LABEL.split(".") or not device_id.isdigit():
        return None
    return int(device_id)


@contextmanager
def session_device(device_id: int | None) -> Iterator[None]:
    """While the block runs, ``UserBackend.get_user`` also reads the TOTP device ``device_id``."""
    token = _SESSION_DEVICE.set(device_id)
    try:
        yield
    finally:
        _SESSION_DEVICE.reset(token)


class UserBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` reads the grants (and the session's device) with the user."""

    def get_user(self, user_id: Any) -> Any:
        device_id = _SESSION_DEVICE.get()
        queryset = (
            User._default_manager.filter(pk=user_id)
            .annotate(
                cpims_grant=FilteredRelation("assignments", condition=Q(assignments__is_active=True)),
            )
            .select_related("cpims_grant__role", "cpims_grant__org_unit__area")  # type: ignore[misc]
            .order_by("cpims_grant__id")
        )
        if device_id is not None:
            queryset = queryset.annotate(
                cpims_device=FilteredRelation("totpdevice", condition=Q(totpdevice__pk=device_id))
            ).select_related("cpims_device")  # type: ignore[misc]
        rows = list(queryset)
        if not rows:
            return None
        user = rows[0]
        if not self.user_can_authenticate(user):
            return None
        # One row per active assignment (one row without any): the joined records are set as
        # attributes of each row's user object, which are taken off the one returned.
        grants = [row.__dict__.pop("cpims_grant", None) for row in rows]
        scope.remember_grants(user, [a for a in grants if a is not None and a.org_unit.is_active])
        device = user.__dict__.pop("cpims_device", None)
        if device_id is not None:
            setattr(user, SESSION_DEVICE_ATTR, (device_id, device))
        return user

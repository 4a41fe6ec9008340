"""Sign-in events from Django and django-axes, handed to the actions that audit them."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from cpims.accounts import actions


def _on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        actions.session_started(request=request, user=user)


def _on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None:
        actions.session_forget(request=request)


def _on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Django has already masked the password; only the username is read.
    actions.login_failed(request=request, username=str(credentials.get("username") or ""))


def _on_locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    actions.lockout_recorded(request=request, username=str(username or ""))


def connect() -> None:
    user_logged_in.connect(_on_logged_in, dispatch_uid="cpims_accounts_logged_in")
    user_logged_out.connect(_on_logged_out, dispatch_uid="cpims_accounts_logged_out")
    user_login_failed.connect(_on_login_failed, dispatch_uid="cpims_accounts_login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="cpims_accounts_locked_out")

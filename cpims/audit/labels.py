"""What each recorded audit action means, in the reader's language: one map, filled by the apps
(``register_action_labels`` in their ``connect()``). An action without a label shows its code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    "auth.login": _("Signed in"),
    "auth.logout": _("Signed out"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.lockout": _("Locked out after failed sign-ins"),
    "auth.session_expired": _("Session expired"),
    "audit.search": _("Searched the audit log"),
    "audit.export": _("Exported the audit log"),
}


def register_action_labels(labels: Mapping[str, Any]) -> None:
    """Add ``action code -> gettext_lazy label`` entries (an app's own actions)."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The action's label in the active language, or the code itself."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def action_labels() -> dict[str, str]:
    """All labels in the active language (taken before a CSV streams, while it is still active)."""
    return {k: str(v) for k, v in ACTION_LABELS.items()}

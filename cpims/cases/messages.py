"""Timeline messages: a case event stores a message key and its parameters, and is read in the
reader's language (issue 12 part 6).

Each app registers its templates (``gettext_lazy`` strings with named placeholders) in its
``connect()``; a write stores ``message`` and ``params`` and an English ``summary`` (the text for
old rows and for a key no longer registered). Parameters are plain values or, built with the
helpers below, a code (both labels kept, so reading needs no query), a date, or an English msgid
translated when read (an org-unit type, a field name).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cpims.core.models import Code
from cpims.core.validation import short_date

_MESSAGES: dict[str, Promise] = {}


def register_messages(messages: Mapping[str, Promise]) -> None:
    """Add timeline templates (key -> gettext_lazy template). Called from each app's connect()."""
    _MESSAGES.update(messages)


def code_param(code: Code | None) -> dict[str, Any] | str:
    """A code as a parameter: its pk, code and both labels (read with ``Code.pick_label``, so the
    timeline needs no query per row)."""
    if code is None:
        return "-"
    return {"pk": code.pk, "code": code.code, "label": code.label, "label_sw": code.label_sw or ""}


def date_param(day: dt.date) -> dict[str, str]:
    return {"date": day.isoformat()}


def text_param(msgid: Any) -> dict[str, str]:
    """An English text translated when read (a verbose name, a choice label): stores the msgid."""
    with translation.override("en"):
        return {"text": str(msgid)}


def texts_param(msgids: list[Any]) -> dict[str, list[str]]:
    with translation.override("en"):
        return {"texts": [str(m) for m in msgids]}


def _value(value: Any) -> str:
    if isinstance(value, dict):
        if "label" in value:
            return Code.pick_label(value["label"], value.get("label_sw"))
        if "date" in value:
            return short_date(dt.date.fromisoformat(value["date"]))
        if "text" in value:
            return gettext(value["text"])
        if "texts" in value:
            return ", ".join(gettext(t) for t in value["texts"])
    return str(value)


def render(message: str, params: Mapping[str, Any] | None) -> str | None:
    """The message in the active language, or None when the key is not registered."""
    template = _MESSAGES.get(message)
    if template is None:
        return None
    values = {k: _value(v) for k, v in (params or {}).items()}
    try:
        return str(template) % values if values else str(template)
    except (KeyError, TypeError, ValueError):
        # A template changed under an old row: fall back to the stored summary.
        return None


def event_text(message: str, params: Mapping[str, Any] | None = None) -> str:
    """The English summary stored beside the key (fallback for old rows and unknown keys)."""
    if message not in _MESSAGES:
        raise KeyError(f"Unregistered timeline message {message!r}")
    with translation.override("en"):
        return (render(message, params) or message)[:255]


MESSAGES: dict[str, Promise] = {
    "case.opened": _("Case opened"),
    "case.updated": _("Case record changed: %(fields)s"),
    "assessment.started": _("Assessment started"),
    "assessment.recorded": _("Assessment recorded"),
    "plan.goal_added": _("Plan goal added (%(domain)s)"),
    "plan.submitted": _("Case plan submitted for approval"),
    "plan.approved": _("Case plan approved"),
    "plan.returned": _("Case plan returned for changes"),
    "closure.proposed": _("Closure proposed: %(outcome)s"),
    "case.closed": _("Case closed"),
    "closure.rejected": _("Closure not approved"),
    "case.reopened": _("Case reopened: %(reason)s"),
    "followup.planned": _("Follow-up planned for %(date)s"),
    "followup.done": _("Follow-up done"),
    "service.recorded": _("Service recorded: %(service)s by %(unit)s"),
    "access.given": _("Access given to %(unit)s (%(reason)s)"),
    "access.ended": _("Access of %(unit)s ended (%(reason)s)"),
    "case.moved": _("Case moved from %(old)s to %(new)s"),
    "access.consent_ended": _("Access of %(unit)s ended: the consent it rested on was withdrawn"),
    "access.expiry_set": _("Access of %(units)s ends on %(date)s (%(why)s)"),
    "access.expired": _("Access of %(unit)s expired"),
    "access.emergency": _("Emergency access opened by %(user)s (%(unit)s) until %(until)s"),
}

# The audit log's labels of the cases actions (registered with cpims.audit.labels).
ACTION_LABELS: dict[str, Promise] = {
    "case.view": _("Opened a case"),
    "case.create": _("Opened a new case"),
    "case.open": _("Opened a new case"),
    "case.update": _("Changed a case"),
    "case.print": _("Printed a case"),
    "case.export": _("Exported a case"),
    "case.start_assessment": _("Started an assessment"),
    "case.complete_assessment": _("Recorded an assessment"),
    "case.plan_goal_add": _("Added a plan goal"),
    "case.submit_plan": _("Submitted a case plan"),
    "case.approve_plan": _("Approved a case plan"),
    "case.return_plan": _("Returned a case plan"),
    "case.propose_closure": _("Proposed closing a case"),
    "case.approve_closure": _("Closed a case"),
    "case.reject_closure": _("Did not approve a closure"),
    "case.reopen": _("Reopened a case"),
    "case.followup_add": _("Planned a follow-up"),
    "case.followup_done": _("Recorded a follow-up"),
    "case.service": _("Recorded a service"),
    "case.access_grant": _("Gave an office access to a case"),
    "case.access_revoke": _("Ended an office's access to a case"),
    "case.office_change": _("Moved a case to another office"),
    "case.access_expiry": _("Set when offices' access to a case ends"),
    "case.access_expired": _("An office's access to a case expired"),
    "case.emergency_access": _("Opened a case in an emergency (break-the-glass)"),
    "case.emergency_access_list": _("Looked at the emergency accesses"),
    "service.record": _("Recorded a service"),
}

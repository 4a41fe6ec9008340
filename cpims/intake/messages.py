"""Timeline messages of reported concerns (registered with cpims.cases.messages)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "intake.linked": _("Reported concern %(reference)s linked to this case"),
}

# The audit log's labels of these actions (registered with cpims.audit.labels).
ACTION_LABELS = {
    "case.intake_linked": _("Linked a reported concern to a case"),
    "intake.report": _("Recorded a reported concern"),
    "intake.view": _("Opened a reported concern"),
    "intake.triage": _("Triaged a reported concern"),
    "intake.replay_refused": _("Refused a reported concern sent again with other content"),
    "intake.replay_reviewed": _("Reviewed a reported concern sent again with other content"),
}

"""Timeline messages of the court record (registered with cpims.cases.messages)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "court.session_added": _("Court session recorded: %(type)s on %(date)s"),
    "court.session_added_next": _("Court session recorded: %(type)s on %(date)s; next date %(next)s"),
    "court.session_corrected": _("Court session corrected: %(type)s on %(date)s"),
    "court.session_corrected_next": _("Court session corrected: %(type)s on %(date)s; next date %(next)s"),
    "court.order_added": _("Court order recorded: %(order)s on %(date)s"),
    "court.order_corrected": _("Court order corrected: %(order)s on %(date)s"),
    "court.summons_issued": _("Summons issued to %(role)s, to appear on %(date)s"),
    "court.summons_honoured": _("Summons to %(role)s honoured on %(date)s"),
    "court.summons_not_honoured": _("Summons to %(role)s not honoured"),
}

# The audit log's labels of these actions (registered with cpims.audit.labels).
ACTION_LABELS = {
    "case.court_session_add": _("Recorded a court session"),
    "case.court_session_edit": _("Corrected a court session"),
    "case.court_order_add": _("Recorded a court order"),
    "case.court_order_edit": _("Corrected a court order"),
    "case.summons_issue": _("Issued a summons"),
    "case.summons_mark": _("Recorded whether a summons was honoured"),
}

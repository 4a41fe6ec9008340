"""Timeline messages of the justice track (registered with cpims.cases.messages) and the audit
log's labels of its actions (registered with cpims.audit.labels)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "justice.opened": _("Justice track opened: arrested on %(date)s"),
    "justice.route_diversion": _("Child diverted from the court process on %(date)s"),
    "justice.route_court": _("Child's case taken to court on %(date)s"),
    "justice.bail": _("Plea and bail recorded"),
    "justice.remand_started": _("Remand recorded from %(date)s"),
    "justice.remand_ended": _("Remand ended on %(date)s"),
    "justice.report_added": _("Report to the court submitted on %(date)s"),
    "justice.disposition": _("Disposition recorded on %(date)s"),
    "justice.aftercare": _("Aftercare started on %(date)s"),
}

ACTION_LABELS = {
    "case.justice_open": _("Opened a justice track"),
    "case.justice_route": _("Recorded diversion or court"),
    "case.justice_court": _("Recorded the plea and bail"),
    "case.justice_remand_start": _("Recorded a remand"),
    "case.justice_remand_end": _("Ended a remand"),
    "case.justice_report": _("Recorded a report to the court"),
    "case.justice_disposition": _("Recorded a disposition"),
    "case.justice_aftercare": _("Started aftercare"),
    "justice.view": _("Opened a justice track"),
}

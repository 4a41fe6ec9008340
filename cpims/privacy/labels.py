"""This app's audit actions, as the audit log and "who saw this child" show them."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "subject_request.register": _("Registered a subject request"),
    "subject_request.export": _("Made a subject access export"),
    "subject_request.review": _("Reviewed what a subject access export withholds"),
    "subject_request.correct": _("Corrected a record on a subject's request"),
    "subject_request.refuse": _("Refused a subject request"),
    "subject_request.complete": _("Completed a subject request"),
    "person.subject_access_export": _("Exported the child's data for a subject access request"),
    "breach.record": _("Recorded a data breach"),
    "breach.touched_lookup": _("Listed the children a user touched (breach)"),
    "breach.people_add": _("Added affected children to a breach"),
    "breach.notice": _("Recorded a breach notification"),
    "breach.close": _("Closed a data breach"),
}

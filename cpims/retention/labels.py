"""Labels of the audit action codes the retention app writes."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "retention.rule_update": _("Changed a retention rule"),
    "retention.hold_place": _("Placed a legal hold"),
    "retention.hold_release": _("Released a legal hold"),
    "retention.dry_run": _("Ran a retention dry run"),
    "retention.run": _("Ran retention"),
    "retention.run_refused": _("Retention run refused (no reviewed dry run)"),
    "retention.review": _("Reviewed a retention dry run"),
    "retention.anonymise": _("Anonymised records (retention)"),
    "retention.delete": _("Deleted records (retention)"),
}

"""The audit log's labels of the CTiP actions (registered with cpims.audit.labels)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "ctip.view": _("Opened a CTiP track"),
    "ctip.identify": _("Recorded the identification of a trafficked child"),
    "ctip.identification_edit": _("Corrected the identification of a trafficked child"),
    "ctip.assistance_add": _("Recorded immediate assistance (CTiP)"),
    "ctip.tracing_add": _("Recorded family tracing (CTiP)"),
    "ctip.return_add": _("Recorded a repatriation or return (CTiP)"),
    "ctip.plan_edit": _("Recorded a reintegration plan (CTiP)"),
    "ctip.followup_add": _("Recorded a reintegration follow-up (CTiP)"),
    "ctip.prosecution_edit": _("Recorded the link to the prosecution (CTiP)"),
    "ctip.referral_add": _("Referred a child across borders (CTiP)"),
    "ctip.figures_view": _("Viewed CTiP figures"),
}

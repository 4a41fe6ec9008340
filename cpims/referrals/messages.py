"""Timeline messages of referrals and transfers (registered with cpims.cases.messages)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "referral.sent": _("Referred to %(unit)s (%(urgency)s)"),
    "referral.accepted": _("Referral accepted by %(unit)s"),
    "referral.declined": _("Referral declined by %(unit)s"),
    "referral.completed": _("Referral to %(unit)s completed"),
    "referral.withdrawn": _("Referral to %(unit)s withdrawn"),
    "transfer.requested": _("Transfer to %(office)s requested"),
    "transfer.accepted": _("Transfer accepted by %(office)s"),
    "transfer.withdrawn": _("Transfer to %(office)s withdrawn"),
    "transfer.declined": _("Transfer declined by %(office)s"),
}

# The audit log's labels of these actions (registered with cpims.audit.labels).
ACTION_LABELS = {
    "case.referral_sent": _("Referred a case"),
    "case.referral_accepted": _("Accepted a referral"),
    "case.referral_declined": _("Declined a referral"),
    "case.referral_completed": _("Completed a referral"),
    "case.referral_withdrawn": _("Withdrew a referral"),
    "case.transfer_requested": _("Asked to transfer a case"),
    "case.transfer_accepted": _("Accepted a transfer"),
    "case.transfer_withdrawn": _("Withdrew a transfer"),
    "case.transfer_declined": _("Declined a transfer"),
    "consent.override": _("Sent a referral without consent"),
}

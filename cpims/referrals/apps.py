from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class ReferralsConfig(CpimsAppConfig):
    name = "cpims.referrals"
    label = "referrals"
    menu = [MenuEntry("referrals:inbox", _("Referrals"), P.REFERRAL_RECEIVE, "cases", 80)]

    home_counts = "cpims.referrals.home.home_counts"

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.cases.messages import register_messages
        from cpims.referrals.messages import ACTION_LABELS, MESSAGES

        register_messages(MESSAGES)
        register_action_labels(ACTION_LABELS)
        # Importing the queries registers this app's task sources (referrals and transfers awaiting
        # an answer).
        from cpims.cases.panels import register_case_panel
        from cpims.referrals.queries import case_page_panel, has_referrals, has_transfers

        register_case_panel(case_page_panel, flags={"referrals": has_referrals, "transfers": has_transfers})

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "cpims.referrals"
    label = "referrals"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_menu_entry

        register_menu_entry("referrals:inbox", _("Referrals"), P.REFERRAL_RECEIVE, "cases", 80)

        # Registers this app's task sources (referrals and transfers awaiting an answer).
        from cpims.cases.panels import register_case_panel
        from cpims.referrals import queries  # noqa: F401
        from cpims.referrals.queries import case_page_panel

        register_case_panel(case_page_panel)

        # The home page's work queue: this app's counts.
        from cpims.core.hooks import register_home_counts
        from cpims.referrals.home import home_counts

        register_home_counts(home_counts)

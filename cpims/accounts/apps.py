from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class AccountsConfig(CpimsAppConfig):
    name = "cpims.accounts"
    label = "accounts"
    menu = [MenuEntry("accounts:user_list", _("Users"), P.USER_VIEW, "admin", 180)]
    reference_loaders = [(50, "cpims.accounts.roles.seed_roles", "cpims.accounts.roles.role_counts")]
    # The demo units and users come first: every other app's demo data builds on them.
    demo_loader = (10, "cpims.accounts.demo.load_demo_users")

    def connect(self) -> None:
        from cpims.accounts import signals

        signals.connect()

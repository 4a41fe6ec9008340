from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cpims.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.accounts.demo import load_demo_users
        from cpims.accounts.roles import role_counts, seed_roles
        from cpims.core.hooks import register_demo_loader, register_menu_entry, register_reference_loader

        register_menu_entry("accounts:user_list", _("Users"), P.USER_VIEW, "admin", 180)
        register_reference_loader(50, seed_roles, role_counts)
        # The demo units and users come first: every other app's demo data builds on them.
        register_demo_loader(10, load_demo_users)

        from cpims.accounts import signals

        signals.connect()

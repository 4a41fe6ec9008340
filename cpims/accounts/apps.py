from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

# This app's audit actions, as the audit log and "who saw this child" show them.
ACTION_LABELS = {
    "auth.2fa_setup": _("Set up two-step sign-in"),
    "auth.2fa_verified": _("Passed two-step sign-in"),
    "auth.2fa_failed": _("Two-step sign-in failed"),
    "user.create": _("Created a user"),
    "user.update": _("Changed a user"),
    "user.deactivate": _("Deactivated a user"),
    "user.reactivate": _("Reactivated a user"),
    "user.password_change": _("Changed a password"),
    "user.2fa_reset": _("Reset a user's two-step sign-in"),
    "user.recovery_codes_regenerated": _("Made new recovery codes"),
    "assignment.create": _("Gave a role"),
    "assignment.end": _("Ended a role"),
}


class AccountsConfig(CpimsAppConfig):
    name = "cpims.accounts"
    label = "accounts"
    menu = [MenuEntry("accounts:user_list", _("Users"), P.USER_VIEW, "admin", 180)]
    reference_loaders = [(50, "cpims.accounts.roles.seed_roles", "cpims.accounts.roles.role_counts")]
    # The demo units and users come first: every other app's demo data builds on them.
    demo_loader = (10, "cpims.accounts.demo.load_demo_users")

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)

        from cpims.accounts import signals

        signals.connect()

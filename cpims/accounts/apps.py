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


def _sign_in_gauges() -> list[tuple[str, str, float]]:
    import datetime as dt

    from django.utils import timezone

    from cpims.audit.models import AuditEvent

    hour_ago = timezone.now() - dt.timedelta(hours=1)
    failed = AuditEvent.objects.filter(at__gte=hour_ago, action__in=["auth.login_failed", "auth.lockout"]).count()
    return [("cpims_sign_in_failures_last_hour", "Failed or locked-out sign-ins in the last hour", failed)]


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

        from cpims.core.metrics import register_gauges

        register_gauges(_sign_in_gauges)

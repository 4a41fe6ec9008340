from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

ACTION_LABELS = {
    "offline.device_register": _("Registered a phone for offline field work"),
    "offline.device_revoke": _("Revoked a phone's offline access"),
    "offline.sync": _("Synchronised a phone's offline records"),
}


class OfflineConfig(CpimsAppConfig):
    name = "cpims.offline"
    label = "offline"
    verbose_name = _("Offline field work")
    menu = [MenuEntry("offline:app", _("Field app (offline)"), P.CASE_VIEW, "cases", 35)]

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)

from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class LegacyConfig(CpimsAppConfig):
    name = "cpims.legacy"
    label = "legacy"
    verbose_name = _("Migration from the existing CPIMS")
    # The page itself also requires the permission in a national grant (queries.may_import).
    menu = [MenuEntry("legacy:runs", _("Legacy import"), P.USER_GRANT_ANY_ROLE, "admin", 197)]

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(
            {
                "legacy.run_start": _("Legacy import started"),
                "legacy.batch": _("Legacy import batch"),
                "legacy.duplicates": _("Legacy import duplicate check"),
                "legacy.run": _("Legacy import finished"),
                "legacy.report_view": _("Legacy import report viewed"),
                "legacy.report_export": _("Legacy import report downloaded"),
            }
        )

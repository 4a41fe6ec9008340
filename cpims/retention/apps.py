from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class RetentionConfig(CpimsAppConfig):
    name = "cpims.retention"
    label = "retention"
    verbose_name = _("Retention")
    menu = [MenuEntry("retention:schedule", _("Retention"), P.RETENTION_MANAGE, "admin", 195)]
    reference_loaders = [(90, "cpims.retention.defaults.load", "cpims.retention.defaults.report")]

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.retention.labels import ACTION_LABELS

        register_action_labels(ACTION_LABELS)

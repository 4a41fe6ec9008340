from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class PrivacyConfig(CpimsAppConfig):
    name = "cpims.privacy"
    label = "privacy"
    menu = [
        MenuEntry("privacy:request_list", _("Subject requests"), P.PRIVACY_REQUESTS, "admin", 195),
        MenuEntry("privacy:breach_list", _("Breach register"), P.PRIVACY_BREACHES, "admin", 196),
    ]
    # Last: the demo request is about a demo child, the demo breach about the demo officer's work.
    demo_loader = (90, "cpims.privacy.demo.load_demo_privacy")

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.cases.tasks import register_task_source
        from cpims.privacy.export import register_kinds
        from cpims.privacy.labels import ACTION_LABELS
        from cpims.privacy.queries import privacy_tasks

        register_action_labels(ACTION_LABELS)
        register_kinds()
        # The data protection officer's due requests and unnotified breaches.
        register_task_source(privacy_tasks)

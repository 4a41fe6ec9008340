from django.utils.translation import gettext_lazy as _

from cpims.core.hooks import CpimsAppConfig

# This app's audit actions (the successful check is the registry's "identifier.verify").
ACTION_LABELS = {
    "iprs.verify_failed": _("Tried to check an identifier with IPRS (IPRS did not answer)"),
}


class IprsConfig(CpimsAppConfig):
    name = "cpims.integrations.iprs"
    label = "iprs"
    # After the demo cases (their children get identifiers checked against a fake answer).
    demo_loader = (85, "cpims.integrations.iprs.demo.load_demo_iprs")

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.integrations.iprs.views import identifier_buttons
        from cpims.registry.queries import register_identifier_action

        register_action_labels(ACTION_LABELS)
        register_identifier_action(identifier_buttons)

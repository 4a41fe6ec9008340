from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class RegistryConfig(CpimsAppConfig):
    name = "cpims.registry"
    label = "registry"
    menu = [
        MenuEntry("registry:search", _("Children"), P.CHILD_VIEW, "children", 10),
        MenuEntry("registry:child_create", _("Register a child"), P.CHILD_CREATE, "children", 20),
    ]

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.registry.access_log import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
        from cpims.core.files import register_private_file
        from cpims.registry.queries import photo_file

        register_private_file("photo", photo_file)

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cpims.registry"
    label = "registry"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_menu_entry

        register_menu_entry("registry:search", _("Children"), P.CHILD_VIEW, "children", 10)
        register_menu_entry("registry:child_create", _("Register a child"), P.CHILD_CREATE, "children", 20)

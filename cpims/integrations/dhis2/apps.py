from django.apps import AppConfig


class Dhis2Config(AppConfig):
    name = "cpims.integrations.dhis2"
    label = "dhis2"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_demo_loader, register_menu_entry, register_reference_loader
        from cpims.integrations.dhis2.defaults import load_kenya_default
        from cpims.integrations.dhis2.demo import load_demo_dhis2

        register_menu_entry("dhis2:index", _("DHIS2"), P.DHIS2_PUSH, "admin", 160)
        # The mapping defaults need the code lists and areas loaded before them.
        register_reference_loader(60, load_kenya_default)
        register_demo_loader(80, load_demo_dhis2)

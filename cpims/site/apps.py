from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The application shell: menu, home page, language switch and the load_* commands. Installed
    last: it reads what every other app registered in cpims.core.hooks."""

    name = "cpims.site"
    label = "site"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.core.hooks import register_menu_entry

        register_menu_entry("site:home", _("Home"), None, None, 0)

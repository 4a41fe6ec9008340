from django.utils.translation import gettext_lazy as _

from cpims.core.hooks import CpimsAppConfig, MenuEntry


class SiteConfig(CpimsAppConfig):
    """The application shell: menu, home page, language switch and the load_* commands. Installed
    last: it reads what every other app registered in cpims.core.hooks."""

    name = "cpims.site"
    label = "site"
    menu = [MenuEntry("site:home", _("Home"), None, None, 0)]

from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

# This app's audit actions, as the audit log shows them.
ACTION_LABELS = {"task.retry": _("Retried a failed background task")}


class SiteConfig(CpimsAppConfig):
    """The application shell: menu, home page, language switch and the load_* commands. Installed
    last: it reads what every other app registered in cpims.core.hooks."""

    name = "cpims.site"
    label = "site"
    menu = [
        MenuEntry("site:home", _("Home"), None, None, 0),
        MenuEntry("site:task_queue", _("Background tasks"), P.TASK_MANAGE, "admin", 220),
    ]
    # The country-sized synthetic data set, after the apps' own demo records and before the
    # reporting app rebuilds the caseload facts (50).
    demo_loader = (45, "cpims.site.demo.load_demo_country")

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)
        from cpims.core.hooks import register_demo_loader
        from cpims.site.demo import load_demo_country_returns

        # Its monthly returns once the facts they are read from are built (50), before the
        # returns app's own demo story (60).
        register_demo_loader(55, load_demo_country_returns)

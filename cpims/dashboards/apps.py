from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "cpims.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_demo_loader, register_menu_entry
        from cpims.dashboards.demo import load_demo_dashboards

        register_menu_entry("dashboards:home", _("Dashboard"), P.REPORT_VIEW_AGGREGATE, "reports", 120)
        register_demo_loader(70, load_demo_dashboards)

        from cpims.dashboards import packs

        packs.register()

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "cpims.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from cpims.dashboards import packs

        packs.register()

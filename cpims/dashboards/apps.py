from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "cpims.dashboards"
    label = "dashboards"

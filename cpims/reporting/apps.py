from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cpims.reporting"
    label = "reporting"

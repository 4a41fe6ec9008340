from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "cpims.intake"
    label = "intake"

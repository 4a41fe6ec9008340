from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "cpims.returns"
    label = "returns"

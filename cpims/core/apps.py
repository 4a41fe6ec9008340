from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cpims.core"
    label = "core"

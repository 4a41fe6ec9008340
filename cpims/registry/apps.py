from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cpims.registry"
    label = "registry"

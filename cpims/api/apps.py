from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cpims.api"
    label = "api"

    def ready(self) -> None:
        from cpims.api import schema  # noqa: F401  (registers the OpenAPI auth extension)

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cpims.api"
    label = "api"

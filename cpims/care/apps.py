from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "cpims.care"
    label = "care"

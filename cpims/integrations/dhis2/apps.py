from django.apps import AppConfig


class Dhis2Config(AppConfig):
    name = "cpims.integrations.dhis2"
    label = "dhis2"

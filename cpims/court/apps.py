from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "cpims.court"
    label = "court"

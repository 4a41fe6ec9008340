from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cpims.cases"
    label = "cases"

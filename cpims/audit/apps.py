from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cpims.audit"
    label = "audit"

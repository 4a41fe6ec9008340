from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cpims.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers this app's task sources (follow-ups, approvals).
        from cpims.cases import queries  # noqa: F401

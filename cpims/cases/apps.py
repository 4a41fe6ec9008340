from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cpims.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers this app's task sources (follow-ups, approvals).
        from cpims.cases import queries  # noqa: F401

        # The child's profile shows their cases and services.
        from cpims.cases.timeline import child_timeline
        from cpims.registry.queries import register_timeline_provider

        register_timeline_provider(child_timeline)

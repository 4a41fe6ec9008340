from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "cpims.care"
    label = "care"

    def ready(self) -> None:
        from cpims.care import queries
        from cpims.cases.panels import register_case_panel
        from cpims.cases.tasks import register_task_source
        from cpims.registry.models import register_person_access
        from cpims.registry.queries import register_timeline_provider

        # Reviews due, orders expiring, escaped children, follow-ups and over-capacity on the task list.
        register_task_source(queries.care_tasks)
        # The care section of the case page, and the child's placements on the profile timeline.
        register_case_panel(queries.case_page_panel)
        register_timeline_provider(queries.child_timeline)
        # An institution may open the record of a child placed with it, while the child is there.
        register_person_access(queries.person_access)

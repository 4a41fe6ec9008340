from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "cpims.court"
    label = "court"

    def ready(self) -> None:
        # Next court dates and unhonoured summonses go on the cases task list.
        from cpims.cases.tasks import register_task_source
        from cpims.court.queries import court_tasks

        register_task_source(court_tasks)

        from cpims.cases.panels import register_case_panel
        from cpims.court.queries import case_page_panel

        register_case_panel(case_page_panel)

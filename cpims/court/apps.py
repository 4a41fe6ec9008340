from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "cpims.court"
    label = "court"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_menu_entry

        register_menu_entry("court:diary", _("Court diary"), P.CASE_VIEW, "cases", 70)

        # Next court dates and unhonoured summonses go on the cases task list.
        from cpims.cases.tasks import register_task_source
        from cpims.court.queries import court_tasks

        register_task_source(court_tasks)

        from cpims.cases.panels import register_case_panel
        from cpims.court.queries import case_page_panel

        register_case_panel(case_page_panel)

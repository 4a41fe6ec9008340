from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class CourtConfig(CpimsAppConfig):
    name = "cpims.court"
    label = "court"
    menu = [MenuEntry("court:diary", _("Court diary"), P.CASE_VIEW, "cases", 70)]

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.cases.messages import register_messages
        from cpims.court.messages import ACTION_LABELS, MESSAGES

        register_messages(MESSAGES)
        register_action_labels(ACTION_LABELS)
        from cpims.cases.panels import register_case_panel
        from cpims.cases.tasks import register_task_source
        from cpims.court.queries import case_page_panel, court_tasks, has_sessions, has_summonses, my_court_tasks

        # Next court dates and unhonoured summonses go on the cases task list.
        register_task_source(court_tasks, mine=my_court_tasks)
        register_case_panel(case_page_panel, flags={"court_sessions": has_sessions, "summonses": has_summonses})

from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class JusticeConfig(CpimsAppConfig):
    name = "cpims.justice"
    label = "justice"
    menu = [MenuEntry("justice:alerts", _("Justice alerts"), P.CASE_VIEW_SENSITIVE, "cases", 75)]
    # After care: a committal opens a care placement.
    demo_loader = (45, "cpims.justice.demo.load_demo_justice")

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.cases.messages import register_messages
        from cpims.cases.panels import register_case_panel
        from cpims.cases.tasks import register_task_source
        from cpims.justice.messages import ACTION_LABELS, MESSAGES
        from cpims.justice.queries import case_page_panel, has_track, justice_tasks

        register_messages(MESSAGES)
        register_action_labels(ACTION_LABELS)
        # Remands over the legal limit and disposition orders about to expire.
        register_task_source(justice_tasks)
        # The case page reads with the case whether it has a track (no query for the many without).
        register_case_panel(case_page_panel, flags={"justice_track": has_track})

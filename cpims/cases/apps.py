from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class CasesConfig(CpimsAppConfig):
    name = "cpims.cases"
    label = "cases"
    menu = [
        MenuEntry("cases:task_list", _("My tasks"), P.CASE_VIEW, "cases", 30),
        MenuEntry("cases:case_list", _("Cases"), P.CASE_VIEW, "cases", 40),
    ]
    demo_loader = (20, "cpims.cases.demo.load_demo_cases")

    def connect(self) -> None:
        # Importing the queries registers this app's task sources (follow-ups, approvals).
        from cpims.cases.queries import person_access
        from cpims.cases.timeline import child_timeline
        from cpims.registry.models import register_person_access
        from cpims.registry.queries import register_timeline_provider

        # The child's profile shows their cases and services.
        register_timeline_provider(child_timeline)
        # A unit a child's case is shared with may open the child's record.
        register_person_access(person_access)

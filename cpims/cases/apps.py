from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class CasesConfig(CpimsAppConfig):
    name = "cpims.cases"
    label = "cases"
    menu = [
        MenuEntry("cases:task_list", _("My tasks"), P.CASE_VIEW, "cases", 30),
        MenuEntry("cases:case_list", _("Cases"), P.CASE_VIEW, "cases", 40),
        MenuEntry("cases:emergency_access", _("Emergency access"), P.CASE_EMERGENCY_ACCESS, "cases", 90),
        MenuEntry("cases:emergency_access_list", _("Emergency accesses"), P.CHILD_ACCESS_LOG, "admin", 195),
    ]
    demo_loader = (20, "cpims.cases.demo.load_demo_cases")

    home_counts = "cpims.cases.home.home_counts"

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.cases.messages import ACTION_LABELS, MESSAGES, register_messages

        register_messages(MESSAGES)
        register_action_labels(ACTION_LABELS)
        # Importing the queries registers this app's task sources (follow-ups, approvals).
        from cpims.cases.actions.access import case_access_end_for_consent
        from cpims.cases.queries import person_access, person_user_access
        from cpims.cases.timeline import (
            child_case_ids,
            child_cases_section,
            child_timeline,
            has_cases,
            has_services,
        )
        from cpims.registry.access_log import register_access_log_objects
        from cpims.registry.models import (
            register_consent_withdrawn,
            register_person_access,
            register_person_user_access,
        )
        from cpims.registry.queries import (
            register_profile_flag,
            register_profile_section,
            register_timeline_provider,
        )

        # The child's profile shows their cases and services; "who saw this child" includes them.
        register_timeline_provider(child_timeline)
        register_profile_section(child_cases_section)
        register_profile_flag("cases", has_cases)
        register_profile_flag("services", has_services)
        register_access_log_objects(child_case_ids)
        # A unit a child's case is shared with may open the child's record.
        register_person_access(person_access)
        # An officer's emergency access opens the child's record to them, read-only, for its hours.
        register_person_user_access(person_user_access)
        # Withdrawing a consent ends at once the access that rested on it.
        register_consent_withdrawn(case_access_end_for_consent)

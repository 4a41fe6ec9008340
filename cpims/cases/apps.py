from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cpims.cases"
    label = "cases"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.cases.demo import load_demo_cases
        from cpims.core.hooks import register_demo_loader, register_menu_entry

        register_menu_entry("cases:task_list", _("My tasks"), P.CASE_VIEW, "cases", 30)
        register_menu_entry("cases:case_list", _("Cases"), P.CASE_VIEW, "cases", 40)
        register_demo_loader(20, load_demo_cases)

        # Registers this app's task sources (follow-ups, approvals).
        from cpims.cases import queries  # noqa: F401

        # The child's profile shows their cases and services.
        from cpims.cases.timeline import child_cases_section, child_timeline
        from cpims.registry.queries import register_profile_section, register_timeline_provider

        register_timeline_provider(child_timeline)
        register_profile_section(child_cases_section)

        from cpims.cases.timeline import child_case_ids
        from cpims.registry.access_log import register_access_log_objects

        register_access_log_objects(child_case_ids)

        # A unit a child's case is shared with may open the child's record.
        from cpims.cases.queries import person_access
        from cpims.registry.models import register_person_access

        register_person_access(person_access)

        # The home page's work queue: this app's counts.
        from cpims.cases.home import home_counts
        from cpims.core.hooks import register_home_counts

        register_home_counts(home_counts)

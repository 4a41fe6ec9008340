from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

# This app's audit actions, as the audit log and "who saw this child" show them.
ACTION_LABELS = {
    "institution.create": _("Added an institution"),
    "institution.update": _("Changed an institution"),
    "placement.admit": _("Admitted a child"),
    "placement.admit_lookup": _("Looked up a child to admit"),
    "placement.view": _("Opened a placement"),
    "placement.update": _("Changed a placement"),
    "placement.status": _("Changed a placement's status"),
    "placement.transfer": _("Moved a child to another placement"),
    "placement.review": _("Recorded a placement review"),
    "placement.followup": _("Recorded a placement follow-up"),
}


class CareConfig(CpimsAppConfig):
    name = "cpims.care"
    label = "care"
    menu = [
        MenuEntry("care:placement_list", _("Children in care"), P.PLACEMENT_VIEW, "care", 90),
        MenuEntry("care:institution_list", _("Institutions"), P.PLACEMENT_VIEW, "care", 100),
        MenuEntry("care:alerts", _("Care alerts"), P.PLACEMENT_VIEW, "care", 110),
    ]
    # Before reporting: placements feed institution returns and dashboards.
    demo_loader = (40, "cpims.care.demo.load_demo_care")

    home_counts = "cpims.care.home.home_counts"

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)

        from cpims.care import queries
        from cpims.cases.panels import register_case_panel
        from cpims.cases.tasks import register_task_source
        from cpims.registry.models import register_person_access
        from cpims.registry.queries import register_profile_flag, register_timeline_provider

        # Reviews due, orders expiring, escaped children, follow-ups and over-capacity on the task list.
        register_task_source(queries.care_tasks, mine=queries.my_care_tasks)
        # The care section of the case page, and the child's placements on the profile timeline.
        register_case_panel(queries.case_page_panel, flags={"child_placements": queries.has_child_placements})
        register_timeline_provider(queries.child_timeline)
        register_profile_flag("placements", queries.has_placements)
        # An institution may open the record of a child placed with it, while the child is there.
        register_person_access(queries.person_access)

        from cpims.registry.access_log import register_access_log_objects

        # "Who saw this child" includes the child's placements.
        register_access_log_objects(queries.child_placement_ids)

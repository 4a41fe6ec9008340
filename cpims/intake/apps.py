from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class IntakeConfig(CpimsAppConfig):
    name = "cpims.intake"
    label = "intake"
    menu = [
        MenuEntry("intake:queue", _("Triage"), P.INTAKE_TRIAGE, "cases", 50),
        MenuEntry("intake:report_new", _("Record a concern"), P.CASE_CREATE, "cases", 60),
    ]
    demo_loader = (30, "cpims.intake.demo.load_demo_intake")
    home_counts = "cpims.intake.home.home_counts"

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.cases.messages import register_messages
        from cpims.intake.messages import ACTION_LABELS, MESSAGES

        register_messages(MESSAGES)
        register_action_labels(ACTION_LABELS)

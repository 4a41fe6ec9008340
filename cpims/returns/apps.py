from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

# This app's audit actions, as the audit log and "who saw this child" show them.
ACTION_LABELS = {
    "return.create": _("Started a monthly return"),
    "return.save": _("Saved a monthly return"),
    "return.paper_rows": _("Added paper register rows to a monthly return"),
    "return.submit": _("Submitted a monthly return"),
    "return.resubmit": _("Submitted a monthly return again"),
    "return.approve": _("Approved a monthly return"),
    "return.send_back": _("Sent back a monthly return"),
    "return.reopen": _("Reopened a monthly return"),
    "return.reminder": _("Sent a return reminder"),
}


class ReturnsConfig(CpimsAppConfig):
    name = "cpims.returns"
    label = "returns"
    menu = [
        MenuEntry("returns:index", _("Monthly returns"), P.RETURN_SUBMIT, "reports", 140),
        MenuEntry("returns:review", _("Review returns"), P.RETURN_APPROVE, "reports", 150),
    ]
    demo_loader = (60, "cpims.returns.demo.load_demo_returns")

    home_counts = "cpims.returns.home.home_counts"

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)

        from cpims.cases.tasks import register_task_source
        from cpims.reporting.dashboards.queries import register_completeness_source
        from cpims.returns.kinds import register_default_kinds
        from cpims.returns.queries import completeness, return_tasks

        # The subcounty and partner return kinds, the overdue-return task source, and this app's
        # share of the dashboards' completeness figures.
        register_default_kinds()
        register_task_source(return_tasks)
        register_completeness_source(completeness)

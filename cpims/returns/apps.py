from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


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
        from cpims.cases.tasks import register_task_source
        from cpims.reporting.dashboards.queries import register_completeness_source
        from cpims.returns.kinds import register_default_kinds
        from cpims.returns.queries import completeness, return_tasks

        # The subcounty and partner return kinds, the overdue-return task source, and this app's
        # share of the dashboards' completeness figures.
        register_default_kinds()
        register_task_source(return_tasks)
        register_completeness_source(completeness)

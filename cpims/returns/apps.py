from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "cpims.returns"
    label = "returns"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_demo_loader, register_menu_entry
        from cpims.returns.demo import load_demo_returns

        register_menu_entry("returns:index", _("Monthly returns"), P.RETURN_SUBMIT, "reports", 140)
        register_menu_entry("returns:review", _("Review returns"), P.RETURN_APPROVE, "reports", 150)
        register_demo_loader(60, load_demo_returns)

        # Registers the subcounty and partner return kinds and the overdue-return task source.
        from cpims.cases.tasks import register_task_source
        from cpims.returns.kinds import register_default_kinds
        from cpims.returns.queries import return_tasks

        register_default_kinds()
        register_task_source(return_tasks)

        from cpims.reporting.dashboards.queries import register_completeness_source
        from cpims.returns.queries import completeness

        register_completeness_source(completeness)

        # The home page's work queue: this app's counts.
        from cpims.core.hooks import register_home_counts
        from cpims.returns.home import home_counts

        register_home_counts(home_counts)

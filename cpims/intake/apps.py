from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "cpims.intake"
    label = "intake"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_demo_loader, register_menu_entry
        from cpims.intake.demo import load_demo_intake

        register_menu_entry("intake:queue", _("Triage"), P.INTAKE_TRIAGE, "cases", 50)
        register_menu_entry("intake:report_new", _("Record a concern"), P.CASE_CREATE, "cases", 60)
        register_demo_loader(30, load_demo_intake)

        # The home page's work queue: this app's counts.
        from cpims.core.hooks import register_home_counts
        from cpims.intake.home import home_counts

        register_home_counts(home_counts)

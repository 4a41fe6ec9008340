from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cpims.audit"
    label = "audit"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_menu_entry

        register_menu_entry("audit:event_list", _("Audit log"), P.AUDIT_VIEW, "admin", 190)

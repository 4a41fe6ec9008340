from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class AuditConfig(CpimsAppConfig):
    name = "cpims.audit"
    label = "audit"
    menu = [MenuEntry("audit:event_list", _("Audit log"), P.AUDIT_VIEW, "admin", 190)]

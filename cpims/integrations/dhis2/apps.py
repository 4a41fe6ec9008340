from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

# This app's audit actions, as the audit log and "who saw this child" show them.
ACTION_LABELS = {
    "dhis2.push": _("Sent figures to DHIS2"),
    "dhis2.dry_run": _("Tried a DHIS2 send without sending"),
    "dhis2.push_request": _("Asked for a DHIS2 send"),
    "dhis2.export": _("Exported DHIS2 figures"),
    "dhis2.server_update": _("Changed the DHIS2 server"),
    "dhis2.mapping_update": _("Changed a DHIS2 data element mapping"),
    "dhis2.coc_mapping_update": _("Changed a DHIS2 category option mapping"),
    "dhis2.org_unit_mapping_update": _("Changed a DHIS2 organisation unit mapping"),
}


class Dhis2Config(CpimsAppConfig):
    name = "cpims.integrations.dhis2"
    label = "dhis2"
    menu = [MenuEntry("dhis2:index", _("DHIS2"), P.DHIS2_PUSH, "admin", 160)]
    # The mapping defaults need the code lists and areas loaded before them.
    reference_loaders = [(60, "cpims.integrations.dhis2.defaults.load_kenya_default")]
    demo_loader = (80, "cpims.integrations.dhis2.demo.load_demo_dhis2")

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)

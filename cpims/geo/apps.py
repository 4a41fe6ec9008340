from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

# This app's audit actions, as the audit log and "who saw this child" show them.
ACTION_LABELS = {
    "orgunit.create": _("Added an organisation unit"),
    "orgunit.update": _("Changed an organisation unit"),
}


class GeoConfig(CpimsAppConfig):
    name = "cpims.geo"
    label = "geo"
    menu = [MenuEntry("geo:orgunit_list", _("Organisation units"), P.ORGUNIT_MANAGE, "admin", 170)]
    # Areas and regions first; the DCS offices after the code lists, as they always loaded.
    reference_loaders = [
        (10, "cpims.geo.reference.load_areas", "cpims.geo.reference.area_counts"),
        (20, "cpims.geo.reference.load_regions"),
        (40, "cpims.geo.reference.load_dcs_offices", "cpims.geo.reference.office_counts"),
    ]

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels

        register_action_labels(ACTION_LABELS)

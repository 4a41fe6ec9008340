from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class Dhis2Config(CpimsAppConfig):
    name = "cpims.integrations.dhis2"
    label = "dhis2"
    menu = [MenuEntry("dhis2:index", _("DHIS2"), P.DHIS2_PUSH, "admin", 160)]
    # The mapping defaults need the code lists and areas loaded before them.
    reference_loaders = [(60, "cpims.integrations.dhis2.defaults.load_kenya_default")]
    demo_loader = (80, "cpims.integrations.dhis2.demo.load_demo_dhis2")

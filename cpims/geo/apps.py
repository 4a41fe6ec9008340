from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "cpims.geo"
    label = "geo"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from cpims.accounts import permissions as P
        from cpims.core.hooks import register_menu_entry, register_reference_loader
        from cpims.geo import reference

        register_menu_entry("geo:orgunit_list", _("Organisation units"), P.ORGUNIT_MANAGE, "admin", 170)
        # Areas and regions first; the DCS offices after the code lists, as they always loaded.
        register_reference_loader(10, reference.load_areas, reference.area_counts)
        register_reference_loader(20, reference.load_regions)
        register_reference_loader(40, reference.load_dcs_offices, reference.office_counts)

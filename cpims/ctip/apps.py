from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry


class CtipConfig(CpimsAppConfig):
    name = "cpims.ctip"
    label = "ctip"
    verbose_name = _("Counter-trafficking in persons")
    menu = [MenuEntry("ctip:figures", _("CTiP figures"), P.REPORT_VIEW_AGGREGATE, "reports", 135)]
    # After the DCS code lists (30) and offices (40): the CTiP code lists, then the
    # agencies children are referred to across borders.
    reference_loaders = [(45, "cpims.ctip.reference.load_ctip_reference", "cpims.ctip.reference.ctip_counts")]
    demo_loader = (45, "cpims.ctip.demo.load_demo_ctip")

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.cases.panels import register_case_panel
        from cpims.ctip.messages import ACTION_LABELS
        from cpims.ctip.queries import case_page_panel, has_track

        register_action_labels(ACTION_LABELS)
        register_case_panel(case_page_panel, flags={"ctip_track": has_track})  # no query for the many without

        from cpims.ctip import packs

        packs.register()

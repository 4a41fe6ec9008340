from django.utils.translation import gettext_lazy as _

from cpims.accounts import permissions as P
from cpims.core.hooks import CpimsAppConfig, MenuEntry

# This app's audit actions, as the audit log shows them.
ACTION_LABELS = {
    "import.check": _("Checked an import file (dry run)"),
    "import.run": _("Imported a file"),
    "import.discard": _("Discarded an import file"),
    "import.expire": _("Deleted import files never imported (retention)"),
}


class ImportsConfig(CpimsAppConfig):
    name = "cpims.imports"
    label = "imports"
    verbose_name = _("Bulk import")
    menu = [MenuEntry("imports:home", _("Bulk import"), P.DATA_IMPORT, "admin", 175)]

    def connect(self) -> None:
        from cpims.audit.labels import register_action_labels
        from cpims.imports.kinds.base import register_kind
        from cpims.imports.kinds.caseload import CaseloadImport
        from cpims.imports.kinds.children import ChildImport
        from cpims.imports.kinds.orgunits import OrgUnitImport
        from cpims.imports.kinds.users import UserImport

        register_action_labels(ACTION_LABELS)
        for kind in (OrgUnitImport(), UserImport(), ChildImport(), CaseloadImport()):
            register_kind(kind)

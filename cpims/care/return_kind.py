"""The monthly institution population return, as care defines it: which units file it, when it is
due (by the 2nd), its figures from placements and the figures that exist on paper only.

Plain data: the returns app registers it (``cpims.returns.kinds``), so care never imports the
returns layer above it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cpims.care.queries import institution_return_figures, return_labels
from cpims.geo.models import OrgUnit


def institution_return() -> dict[str, Any]:
    """The keyword arguments of ``register_return_kind`` for the ``institution`` kind."""
    return {
        "org_unit_kinds": set(OrgUnit.INSTITUTION_KINDS),
        "due_day": 2,
        "prefill": institution_return_figures,
        "fields": [
            ("staff_caregivers", _("Caregivers on the staff")),
            ("children_in_school", _("Children attending school")),
            ("family_visits", _("Family visits received")),
        ],
        "label": _("Institution population return"),
        "prefill_labels": return_labels(),
    }

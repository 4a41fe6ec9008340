"""Every write to care records. Keyword-only, typed; each action is one transaction that checks
the actor's scope (``placement.manage``), validates, writes and records one audit event.

Problems raise ``ValidationError`` (translatable messages keyed by field), ``StaleEdit`` (someone
changed the record since the editor read it), ``PermissionDenied`` or ``Http404``; nothing is
written then. The invariants the database can hold (one active placement per child, a placement
ends on or after its admission) are also constraints in ``models.py``; these actions check them
first so the user gets a clear message instead of an integrity error.

The actions live in modules by subject (``placements``, ``reviews``, ``institutions``); callers
import them from here.
"""

from cpims.care.actions.institutions import CapacityInput, institution_save
from cpims.care.actions.placements import (
    OrderInput,
    allowed_message,
    allowed_statuses,
    placement_admit,
    placement_status_change,
    placement_transfer,
    placement_update,
)
from cpims.care.actions.reviews import followup_record, review_add

__all__ = [
    "CapacityInput",
    "OrderInput",
    "allowed_message",
    "allowed_statuses",
    "followup_record",
    "institution_save",
    "placement_admit",
    "placement_status_change",
    "placement_transfer",
    "placement_update",
    "review_add",
]

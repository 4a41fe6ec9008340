"""Court: sessions (application, plea, hearing, mention) with outcomes and next dates, the orders a
court makes, and summons issued and honoured.

Data, constraints and invariants only: every write goes through ``cpims.court.actions``. Scope
follows the case: whoever may see (or work on) the case may see (or work on) its court records.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpims.accounts.scope import Grants
from cpims.accounts.types import AnyUser
from cpims.core.models import BaseModel, Code
from cpims.core.scoping import ScopeFields
from cpims.geo.models import OrgUnit

# The DCS code lists the court records point at.
SESSION_TYPE_LIST = "courtsession_type_id"
OUTCOME_LIST = "court_outcome_id"
ORDER_LIST = "court_order_id"
PLEA_LIST = "plea_type_id"
PLEA_SESSION_CODE = "STPL"  # Plea taking
ADJOURNMENT_CODE = "CADJ"


def _access_via(prefix: str) -> Any:
    """Extra scope like the case's own: an active CaseAccess (referral, transfer) on the case opens
    its court records to the receiving unit, for the permissions that unit's grants carry."""

    def access(user: AnyUser, grants: Grants, perm: str) -> Q | None:
        from cpims.cases.models import shared_case_ids

        # A subquery on the case id, not a join to the case's access rows: joined, the OR with the
        # area scope made PostgreSQL test every candidate row one by one (bench, 1M cases: the
        # Westlands officer's pending court dates query 212 -> 77 ms).
        cases = shared_case_ids(user, grants, perm)
        if cases is None:
            return None
        return Q(**{f"{prefix.removesuffix('__')}__in": cases})

    return access


def _case_scope(prefix: str) -> ScopeFields:
    return ScopeFields(
        org_unit=f"{prefix}office",
        county=f"{prefix}county",
        sub_county=f"{prefix}sub_county",
        owner=f"{prefix}created_by",
        extra=_access_via(prefix),
    )


class CourtSession(BaseModel):
    """One sitting of a court on a case, with its outcome and the next court date."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="court_sessions"
    )
    court = models.ForeignKey(
        OrgUnit,
        verbose_name=_("court"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="court_sessions",
        limit_choices_to={"kind": OrgUnit.Kind.COURT},
    )
    court_name = models.CharField(_("court (if not in the list)"), max_length=200, blank=True)
    session_type = models.ForeignKey(Code, verbose_name=_("session type"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date of session"))
    plea = models.ForeignKey(
        Code, verbose_name=_("plea"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.ForeignKey(
        Code, verbose_name=_("outcome"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    next_date = models.DateField(_("next court date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # Bumped by every edit; an editor's stale copy is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    scope_fields = _case_scope("case__")

    class Meta:
        verbose_name = _("court session")
        verbose_name_plural = _("court sessions")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["case", "held_on"], name="courtsession_case_date"),
            models.Index(fields=["next_date"], name="courtsession_next_date"),
            # The "my tasks" court dates: the sessions a user recorded that carry a next date.
            models.Index(
                fields=["recorded_by", "next_date"],
                condition=Q(next_date__isnull=False),
                name="courtsession_pending_by",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_date__isnull=True) | Q(next_date__gt=models.F("held_on")),
                name="courtsession_next_after_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_on}"

    @property
    def court_label(self) -> str:
        return self.court.name if self.court_id and self.court else self.court_name


class CourtOrder(BaseModel):
    """An order a court made at a session (care, supervision, committal, …)."""

    session = models.ForeignKey(
        CourtSession, verbose_name=_("court session"), on_delete=models.CASCADE, related_name="orders"
    )
    order_type = models.ForeignKey(Code, verbose_name=_("order"), on_delete=models.PROTECT, related_name="+")
    made_on = models.DateField(_("date of order"))
    period_months = models.PositiveSmallIntegerField(_("period (months)"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    scope_fields = _case_scope("session__case__")

    # Change history (what the record said on a given date), with the acting user.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("court order")
        verbose_name_plural = _("court orders")
        ordering = ["made_on", "id"]
        indexes = [models.Index(fields=["expires_on"], name="courtorder_expires")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("made_on")),
                name="courtorder_expires_after_made",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_type_id} {self.made_on}"


class Summons(BaseModel):
    """A summons to a person (parent, guardian, witness, alleged perpetrator …) to appear."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not yet due or not recorded")
        HONOURED = "honoured", _("Honoured")
        NOT_HONOURED = "not_honoured", _("Not honoured")

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="summonses")
    person_role = models.CharField(_("summoned as"), max_length=120)
    person_name = models.CharField(_("name of person summoned"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("to appear on"))
    status = models.CharField(_("honoured"), max_length=14, choices=Status.choices, default=Status.PENDING)
    honoured_on = models.DateField(_("honoured on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    scope_fields = _case_scope("case__")

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["case", "issued_on"], name="summons_case_issued"),
            models.Index(fields=["status", "due_on"], name="summons_status_due"),
            # The "my tasks" summonses: the pending ones a user issued.
            models.Index(fields=["issued_by", "due_on"], condition=Q(status="pending"), name="summons_pending_by"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("issued_on")), name="summons_due_after_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.person_role} {self.due_on}"

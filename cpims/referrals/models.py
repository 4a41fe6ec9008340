"""Referrals of a case to another org unit, and transfers of a case to another DCS office.

Data, constraints and invariants only: every write goes through ``cpims.referrals.actions``, every
read through ``cpims.referrals.queries`` (which starts from the scope rules).

Scope: a referral (a transfer) reaches the receiving unit (office) for whatever its grants there
carry, and everyone who may see the case, with the same permission, through the case's own scope.
Answering (accept, decline, complete) needs the receiving permission *at* the receiving unit
(``referral.receive`` for referrals, ``case.transfer`` for transfers); the actions check it.
"""

from __future__ import annotations

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

# Permissions that are answered at the receiving unit only: the sender's area scope over the case
# never lets them answer for another unit.
RECEIVING_PERMS = frozenset({"referral.receive"})


def _case_visible_q(user: AnyUser, grants: Grants, perm: str) -> Q | None:
    """Extra scope: the referral or transfer is on a case the user reaches with ``perm``."""
    if perm in RECEIVING_PERMS:
        return None
    from cpims.accounts import scope
    from cpims.cases.models import Case

    case_q = scope.visible_q(user, Case, perm)
    if case_q is None:
        return None
    if not case_q:
        return Q()
    return Q(case__in=Case.objects.filter(case_q).values("pk"))


class Referral(BaseModel):
    class Status(models.TextChoices):
        SENT = "sent", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")
        EMERGENCY = "emergency", _("Emergency")

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals")
    from_office = models.ForeignKey(
        OrgUnit, verbose_name=_("referred by (unit)"), on_delete=models.PROTECT, related_name="referrals_sent"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("referred to"), on_delete=models.PROTECT, related_name="referrals_received"
    )
    # DCS lists: state agency / non-state actor, and the kind of destination.
    destination_type = models.ForeignKey(
        Code,
        verbose_name=_("destination type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    destination_class = models.ForeignKey(
        Code,
        verbose_name=_("destination"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the referral is for (DCS referral_type_id, "Referral made").
    service_requested = models.ForeignKey(
        Code, verbose_name=_("service requested"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason for the referral"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)

    # Consent: the child's recorded data-sharing consent for the receiving unit, or an override.
    consent = models.ForeignKey(
        "registry.Consent", verbose_name=_("consent"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_overridden = models.BooleanField(_("sent without recorded consent"), default=False)
    override_reason = models.TextField(_("reason for sending without consent"), blank=True)

    sent_on = models.DateField(_("date sent"))
    answer_due_on = models.DateField(_("answer due"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decline_reason = models.TextField(_("reason declined"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    completion_notes = models.TextField(_("completion notes"), blank=True)
    # Withdrawn by the referring side while it still awaited an answer.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    withdraw_reason = models.TextField(_("reason withdrawn"), blank=True)

    # The access to the case given on acceptance (ended on completion).
    access = models.ForeignKey(
        "cases.CaseAccess", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    services = models.ManyToManyField("cases.ServiceRecord", blank=True, related_name="referrals")

    scope_fields = ScopeFields(org_unit="to_unit", extra=_case_visible_q)

    # Change history (what the record said on a given date), with the acting user.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on", "-id"]
        indexes = [
            models.Index(fields=["to_unit", "status", "sent_on"], name="referral_inbox"),
            models.Index(fields=["case", "sent_on"], name="referral_case"),
            models.Index(fields=["status", "answer_due_on"], name="referral_due"),
            # The "my tasks" view: the referrals a user sent that still await an answer.
            models.Index(fields=["from_user", "answer_due_on"], condition=Q(status="sent"), name="referral_sent_by"),
            # Dashboards count referrals sent or completed in a period (bench: a scan of every
            # referral without these).
            models.Index(fields=["sent_on"], name="referral_sent_on"),
            models.Index(fields=["completed_at"], name="referral_completed_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | Q(consent_overridden=True), name="referral_consent_or_override"
            ),
        ]

    def __str__(self) -> str:
        return f"referral {self.case_id}->{self.to_unit_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.ACCEPTED)


class Transfer(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="transfers")
    from_office = models.ForeignKey(
        OrgUnit, verbose_name=_("from office"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_office = models.ForeignKey(
        OrgUnit, verbose_name=_("to office"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    reason = models.TextField(_("reason for the transfer"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("date requested"))
    answer_due_on = models.DateField(_("answer due"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decline_reason = models.TextField(_("reason declined"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    withdraw_reason = models.TextField(_("reason withdrawn"), blank=True)
    # The receiving office's access to review the case while the request waits (ended on the answer).
    access = models.ForeignKey("cases.CaseAccess", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    scope_fields = ScopeFields(org_unit="to_office", extra=_case_visible_q)

    # Change history (what the record said on a given date), with the acting user.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["to_office", "status"], name="transfer_inbox"),
            models.Index(fields=["case", "requested_on"], name="transfer_case"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="transfer_one_pending_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"transfer {self.case_id}->{self.to_office_id} ({self.status})"

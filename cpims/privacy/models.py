"""The data protection registers (Data Protection Act 2019): subject requests and breaches.

Both are national records kept by the data protection officer: they declare a scope with no
area, unit or owner path, so only a role of national scope holding the privacy permission reaches
them (cpims.accounts.scope).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.core.models import BaseModel
from cpims.core.scoping import ScopeFields

NATIONAL_ONLY = ScopeFields()


class SubjectRequest(BaseModel):
    """A request by a data subject (or someone entitled to act for a child) to see or correct data."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (a copy of the data)")
        CORRECTION = "correction", _("Correction")

    class Relationship(models.TextChoices):
        SELF = "self", _("The person themself")
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GUARDIAN = "guardian", _("Guardian or caregiver")
        REPRESENTATIVE = "representative", _("Advocate or legal representative")
        OTHER = "other", _("Other")

    class IdentityCheck(models.TextChoices):
        NATIONAL_ID = "national_id", _("National ID card seen")
        PASSPORT = "passport", _("Passport seen")
        BIRTH_CERTIFICATE = "birth_cert", _("Child's birth certificate and requester's ID seen")
        CAREGIVER_RECORD = "caregiver", _("Matches a caregiver recorded on the child's record, ID seen")
        OTHER = "other", _("Other (explain in the note)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("type of request"), max_length=12, choices=Kind.choices)
    child = models.ForeignKey(
        "registry.Person", verbose_name=_("child"), on_delete=models.PROTECT, related_name="subject_requests"
    )
    requester_name = models.CharField(_("requester's name"), max_length=200)
    requester_relationship = models.CharField(
        _("relationship to the child"), max_length=16, choices=Relationship.choices
    )
    identity_checked = models.CharField(_("identity checked by"), max_length=12, choices=IdentityCheck.choices)
    identity_note = models.CharField(_("note on the identity check"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due by"))
    details = models.TextField(_("what is asked"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    export_made_at = models.DateTimeField(_("export made"), null=True, blank=True)
    export_summary = models.JSONField(default=dict, blank=True)
    redaction_reviewed_at = models.DateTimeField(_("redaction reviewed"), null=True, blank=True)
    corrections = models.JSONField(default=list, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    scope_fields = NATIONAL_ONLY

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("subject request")
        verbose_name_plural = _("subject requests")
        indexes = [models.Index(fields=["status", "due_on"], name="subjectrequest_status_due")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class Breach(BaseModel):
    """A suspected or confirmed personal data breach, with the 72-hour clock to notify the Data
    Commissioner (Data Protection Act 2019, s. 43) running from ``discovered_at``."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("what happened (short)"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred_from = models.DateTimeField(_("happened from"), null=True, blank=True)
    occurred_to = models.DateTimeField(_("happened until"), null=True, blank=True)
    records_affected = models.TextField(_("records affected"), blank=True)
    people_estimate = models.PositiveIntegerField(_("people affected (estimate)"), null=True, blank=True)
    people = models.ManyToManyField("registry.Person", verbose_name=_("children affected"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    commissioner_notified_at = models.DateTimeField(_("Data Commissioner notified"), null=True, blank=True)
    subjects_informed_at = models.DateTimeField(_("people affected informed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    scope_fields = NATIONAL_ONLY

    class Meta:
        ordering = ["-discovered_at", "-id"]
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")

    def __str__(self) -> str:
        return self.reference

    @property
    def notify_by(self) -> dt.datetime:
        from cpims.privacy.deadlines import commissioner_deadline

        return commissioner_deadline(self.discovered_at)


class BreachNotice(BaseModel):
    """A notification to the Data Commissioner or a communication to the people affected."""

    class Kind(models.TextChoices):
        COMMISSIONER = "commissioner", _("Notification to the Data Commissioner")
        SUBJECTS = "subjects", _("Communication to the people affected")

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent at"))
    method = models.CharField(_("how"), max_length=120)
    reference = models.CharField(_("their reference"), max_length=120, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_fields = NATIONAL_ONLY

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("breach notice")
        verbose_name_plural = _("breach notices")

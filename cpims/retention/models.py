"""Retention: the schedule (one rule per kind of record), legal holds, and the runs of the job.

Data and invariants only. Writes go through ``cpims.retention.actions``, reads through
``cpims.retention.queries``; what a run does is in ``cpims.retention.engine``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.core.models import BaseModel


class RetentionRule(BaseModel):
    """How long one kind of record is kept, and what happens to it then."""

    class Kind(models.TextChoices):
        CLOSED_CASE = "closed_case", _("Closed cases (and their child, once every case is due)")
        DISMISSED_INTAKE = "dismissed_intake", _("Reported concerns dismissed without a case")
        AUDIT_EVENT = "audit_event", _("Audit events")
        DOWNLOAD = "download", _("Downloads (exports and report packs)")

    class Unit(models.TextChoices):
        DAYS = "days", _("days")
        MONTHS = "months", _("months")
        YEARS = "years", _("years")

    class Action(models.TextChoices):
        ANONYMISE = "anonymise", _("Anonymise (keep the counts, remove who it was)")
        DELETE = "delete", _("Delete")

    kind = models.CharField(_("record kind"), max_length=20, choices=Kind.choices, unique=True)
    period = models.PositiveIntegerField(_("kept for"))
    unit = models.CharField(_("unit"), max_length=6, choices=Unit.choices)
    action = models.CharField(_("then"), max_length=10, choices=Action.choices)
    enabled = models.BooleanField(_("applied by the job"), default=True)
    reason = models.TextField(_("why this period"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.kind}: {self.period} {self.unit}"


class LegalHold(BaseModel):
    """A hold that stops retention on one case or one person (and every case of that person)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("person"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    until = models.DateField(_("until"), null=True, blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False) & Q(person__isnull=True))
                | (Q(case__isnull=True) & Q(person__isnull=False)),
                name="legal_hold_one_target",
            )
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_active(self) -> bool:
        return self.released_at is None and (self.until is None or self.until >= timezone.localdate())


class RetentionRun(BaseModel):
    """One run of the job: a dry run (what would happen) or a real run (what happened)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    dry_run = models.BooleanField(_("dry run"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # {kind: {"due": n, "held": n, "done": n, "action": "...", "held_by": {reason: n}}}; counts only.
    report = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return str(self.public_id)


class Erasure(models.Model):
    """A record anonymised by a real run (so the next run skips it); ids and kinds only."""

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="erasures")
    model = models.CharField(max_length=60)  # "cases.case", "registry.person"
    object_id = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="retention_erasure_once")]

    def __str__(self) -> str:
        return f"{self.model}:{self.object_id}"

"""Base model and the DCS code lists."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every record has a public UUID (for URLs and the API, never the database id) and timestamps."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CodeList(models.Model):
    """A typed DCS code list, e.g. ``case_category_id`` (43 case categories)."""

    name = models.CharField(_("list name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    """One item of a code list. ``code`` is the DCS 4-letter code kept for interoperability.

    Retired codes stay (``is_active=False``) so old records remain readable.
    """

    code_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(_("DCS code"), max_length=20)
    label = models.CharField(_("label"), max_length=255)
    # Shown instead of ``label`` when the page is in Kiswahili; loaded with the reference data.
    label_sw = models.CharField(_("Kiswahili label"), max_length=255, blank=True)
    short_label = models.CharField(_("short label"), max_length=120, blank=True)
    order = models.PositiveIntegerField(default=0)
    # The list that refines this item, e.g. "Child labour" -> child_labour_id.
    sub_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, null=True, blank=True, related_name="parent_codes")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code_list_id", "order", "label"]
        constraints = [
            # offender_id reuses some codes for different offences, so uniqueness is by label.
            models.UniqueConstraint(fields=["code_list", "code", "label"], name="code_unique_in_list"),
        ]
        indexes = [models.Index(fields=["code_list", "code"])]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.pick_label(self.label, self.label_sw)

    @staticmethod
    def pick_label(label: str, label_sw: str | None) -> str:
        """The label in the active language: Kiswahili where the page is in Kiswahili and the code
        has a Kiswahili label, else the English label (also for ``values()`` rows)."""
        if label_sw and (get_language() or "").startswith("sw"):
            return label_sw
        return label


class ScheduledRun(models.Model):
    """One run of a periodic job at one slot of its schedule. The unique (job, slot) pair is the
    lock: however many schedulers run, the first to insert the row enqueues the job, the others
    find it taken."""

    job = models.CharField(max_length=200)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="core_scheduled_run_once")]
        indexes = [models.Index(fields=["slot"])]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"

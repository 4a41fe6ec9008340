"""Migration from the existing CPIMS: import runs, the legacy-id map, what was refused and the
duplicates found on the way in (linked for review, never merged here)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpims.core.models import BaseModel


class ImportRun(BaseModel):
    """One run of ``import_legacy_cpims`` (or its page): options, per-table counts, where it got to."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=300)  # the URL without its password
    dry_run = models.BooleanField(_("dry run"), default=False)
    since = models.DateField(_("changed since"), null=True, blank=True)
    county_code = models.CharField(_("county"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # {"reg_person": {"read": n, "imported": n, "updated": n, "duplicates": n, "rejected": n}, ...}
    counts = models.JSONField(default=dict, blank=True)
    # {"reg_person": "last legacy key committed"}: where a crashed run resumes.
    progress = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    report_path = models.CharField(_("report file"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("legacy import run")
        verbose_name_plural = _("legacy import runs")

    def __str__(self) -> str:
        return f"{self.public_id}:{self.status}"


class LegacyMap(models.Model):
    """A legacy row (table + id) and the record it became here: a re-run updates it instead of
    creating a second one."""

    legacy_table = models.CharField(max_length=60)
    legacy_id = models.CharField(max_length=64)
    model = models.CharField(max_length=60)  # our model's label, e.g. "registry.person"
    object_pk = models.BigIntegerField()
    public_id = models.UUIDField(null=True, blank=True)
    checksum = models.CharField(max_length=64, blank=True)  # of the legacy row as last imported
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["legacy_table", "legacy_id"], name="legacy_map_unique")]
        indexes = [models.Index(fields=["model", "object_pk"], name="legacy_map_object")]

    def __str__(self) -> str:
        return f"{self.legacy_table}:{self.legacy_id}->{self.model}:{self.object_pk}"


class LegacyReject(models.Model):
    """A legacy row not brought in, and why (reported, never dropped silently). Kept per table and
    legacy id: a later run that imports the row removes it; one that refuses it again updates it."""

    legacy_table = models.CharField(max_length=60)
    legacy_id = models.CharField(max_length=64)
    reason = models.CharField(max_length=300)
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejects")

    class Meta:
        ordering = ["legacy_table", "legacy_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "legacy_table", "legacy_id"], name="legacy_reject_unique")
        ]

    def __str__(self) -> str:
        return f"{self.legacy_table}:{self.legacy_id}: {self.reason}"


class LegacyDuplicate(models.Model):
    """An imported person who looks like another registered person (the registry's duplicate check),
    left for an officer to review and merge through the registry's merge page."""

    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    legacy_id = models.CharField(max_length=64)
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="duplicates")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "candidate"], name="legacy_duplicate_pair")]

    def __str__(self) -> str:
        return f"{self.person_id}~{self.candidate_id}"

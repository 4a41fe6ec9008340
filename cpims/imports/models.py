"""An uploaded import file waiting to be checked and imported.

The file itself lives in Django's default storage under ``imports/`` (never under static files, and
served to nobody); the row holds only what the pages need to find it again and the counts of the
last run. Row errors are not stored: they are worked out again, in the reader's language, each time
the result page is shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpims.core.models import BaseModel


class ImportBatch(BaseModel):
    """An upload is its uploader's own work: nobody else sees it (``queries.batch_for``: 404)."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, not imported")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    kind = models.CharField(_("kind of import"), max_length=20)
    file_format = models.CharField(_("file format"), max_length=4)
    stored_file = models.CharField(_("stored file"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported = models.PositiveIntegerField(_("rows imported"), default=0)
    errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    duplicates = models.PositiveIntegerField(_("possible duplicates"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import file")
        verbose_name_plural = _("import files")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="import_batch_owner")]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"

"""Append-only audit events: who did what to which object, when, from where, with what outcome.

Rows are never updated or deleted by the application (enforced here and, on PostgreSQL, by the
row triggers of migration 0002, which refuse an UPDATE or DELETE in raw SQL too; TRUNCATE, used by
the test runner and by documented retention, is not a row operation and stays possible).
``object_label`` must never hold personal data: use numbers and codes, not names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the (actor, at) index below serves every lookup by actor
    )
    # Kept as text too so the trail reads the same after a user is renamed.
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The request (or background task) that wrote it, as in the log lines (cpims.core.context).
    request_id = models.CharField(_("request id"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        # One index per search filter, each ending in "at" so the newest-first page is read
        # straight from the index (cpims.audit.queries.search_events).
        indexes = [
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["actor_username", "at"], name="audit_event_username_at"),
            models.Index(fields=["action", "at"], name="audit_event_action_at"),
            models.Index(fields=["object_type", "object_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Audit events are append-only.")

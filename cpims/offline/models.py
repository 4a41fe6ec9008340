"""Offline field work, server side: the devices a user syncs from, the client items already
applied (so a retried sync is idempotent) and one log row per sync. Data and constraints only;
writes are in ``cpims.offline.actions``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpims.core.models import BaseModel
from cpims.core.scoping import ScopeFields


class Device(BaseModel):
    """A phone or tablet a user registered for offline work. The server keeps ``secret``: the
    client derives its key-encryption key from it and the user's PIN, so revoking the device (and
    the wipe it then receives) makes the data on it useless."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="offline_devices"
    )
    label = models.CharField(_("label"), max_length=80)
    secret = models.CharField(max_length=64, editable=False)
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # A supervisor reaches the devices of the users their grants reach.
    scope_fields = ScopeFields(
        org_unit="owner__assignments__org_unit",
        county="owner__assignments__org_unit__county",
        sub_county="owner__assignments__org_unit__sub_county",
        owner="owner",
        multi=True,
    )

    class Meta:
        verbose_name = _("offline device")
        verbose_name_plural = _("offline devices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "revoked_at"], name="offline_device_owner")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class AppliedItem(models.Model):
    """A sync-up item already answered, by the client's id: a retry gets the same answer and
    nothing is written twice. Only final answers are kept (applied, invalid, forbidden); a
    duplicate or a conflict waits for the user's resolution and may be sent again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client_id = models.UUIDField()
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="applied_items")
    kind = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    # The public id of the record made or changed (none when refused).
    object_id = models.UUIDField(null=True, blank=True)
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="offline_applied_user_client")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.status}"


class SyncLog(models.Model):
    """One sync, down or up: counts and sizes for metrics; no personal data."""

    class Direction(models.TextChoices):
        DOWN = "down", _("Down")
        UP = "up", _("Up")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="sync_logs")
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    full = models.BooleanField(_("full"), default=False)
    cases = models.PositiveIntegerField(_("cases"), default=0)
    persons = models.PositiveIntegerField(_("persons"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    # Sync up: items sent and how each was answered ({status: count}).
    items = models.PositiveIntegerField(_("items"), default=0)
    results = models.JSONField(_("results"), default=dict, blank=True)
    bytes = models.PositiveIntegerField(_("bytes"), default=0)
    wiped = models.BooleanField(_("wiped"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["device", "at"], name="offline_synclog_device")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.direction} {self.at}"

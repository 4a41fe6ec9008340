"""Reported concerns waiting for triage (DESIGN §3 "Intake").

A report arrives through the public "report a concern" page, an officer or partner recording it,
or a partner system (the Child Helpline 116) through the intake API. It lands in the triage queue
of the DCS office of the sub-county where it happened (the county office when only the county is
known) until an officer opens a case, links it to an existing case, or dismisses it.

What a reporter says about the child is unverified free text: it is never matched against the
registry for the public, and it is shown only to officers who triage the report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cpims.core.models import BaseModel
from cpims.core.scoping import ScopeFields
from cpims.geo.models import Area, OrgUnit


class IntakeReport(BaseModel):
    class Channel(models.TextChoices):
        PUBLIC = "public", _("Public form")
        STAFF = "staff", _("Recorded by an officer or partner")
        API = "api", _("Partner system (helpline)")

    class Status(models.TextChoices):
        NEW = "new", _("Waiting for triage")
        CASE_OPENED = "case_opened", _("Case opened")
        LINKED = "linked", _("Linked to an existing case")
        DISMISSED = "dismissed", _("Dismissed")

    class ChildSex(models.TextChoices):
        FEMALE = "female", _("Girl")
        MALE = "male", _("Boy")
        UNKNOWN = "unknown", _("Not known")

    class DismissReason(models.TextChoices):
        DUPLICATE = "duplicate", _("Duplicate of another report")
        NOT_CHILD_PROTECTION = "not_cp", _("Not a child-protection concern")
        INSUFFICIENT = "insufficient", _("Not enough information to act")
        REFERRED_ELSEWHERE = "referred", _("Handled by another agency")
        FALSE_REPORT = "false", _("False or abusive report")
        OTHER = "other", _("Other reason")

    # Shown to the reporter: random-looking, never a count (see cpims.intake.references).
    reference = models.CharField(_("reference number"), max_length=16, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    urgent = models.BooleanField(_("a child is in danger now"), default=False)

    # What happened, where and when.
    what_happened = models.TextField(_("what happened"))
    county = models.ForeignKey(Area, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    sub_county = models.ForeignKey(
        Area, verbose_name=_("sub-county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ward = models.ForeignKey(
        Area, verbose_name=_("ward"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place = models.CharField(_("village or place"), max_length=200, blank=True)
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)

    # The child as the reporter describes them: unverified.
    child_name = models.CharField(_("child's name"), max_length=200, blank=True)
    child_age = models.PositiveSmallIntegerField(_("child's age"), null=True, blank=True)
    child_sex = models.CharField(_("child's sex"), max_length=8, choices=ChildSex.choices, blank=True)

    # The reporter (optional; anonymous allowed).
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("reporter's telephone or email"), max_length=200, blank=True)
    reporter_relationship = models.CharField(_("relationship to the child"), max_length=120, blank=True)

    # Who entered it: an officer or partner (staff channel) or the partner system's account (API).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("partner system"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    external_reference = models.CharField(_("partner's reference"), max_length=100, blank=True)

    # The triage queue it lands in.
    office = models.ForeignKey(
        OrgUnit, verbose_name=_("triage office"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Triage.
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    dismiss_reason = models.CharField(_("reason"), max_length=12, choices=DismissReason.choices, blank=True)
    triage_note = models.TextField(_("triage note"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_reports",
    )

    scope_fields = ScopeFields(org_unit="office", county="county", sub_county="sub_county", owner="recorded_by")

    class Meta:
        verbose_name = _("reported concern")
        verbose_name_plural = _("reported concerns")
        ordering = ["-urgent", "created_at", "id"]
        constraints = [
            # Idempotency of the intake API: one report per partner system and its reference.
            models.UniqueConstraint(
                fields=["partner", "external_reference"],
                condition=Q(partner__isnull=False) & ~Q(external_reference=""),
                name="intake_partner_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="new") | Q(triaged_at__isnull=False),
                name="intake_triaged_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["sub_county", "status", "created_at"]),
            models.Index(fields=["county", "status", "created_at"]),
            models.Index(fields=["office", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.NEW


class ReplayedReport(models.Model):
    """A partner system sent a report again under a reference it had already used, but with other
    content. It is refused (the report stays as first received) and kept here for the triage
    officer to compare, never applied and never dropped."""

    report = models.ForeignKey(IntakeReport, on_delete=models.CASCADE, related_name="replays")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # The replayed submission, normalised like a report's fields (areas as ids, dates as ISO text).
    content = models.JSONField()
    fingerprint = models.CharField(max_length=64)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("replayed report")
        verbose_name_plural = _("replayed reports")
        ordering = ["received_at", "id"]
        constraints = [
            # The same differing replay sent again is kept once.
            models.UniqueConstraint(fields=["report", "fingerprint"], name="intake_replay_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report.reference} ({self.received_at:%Y-%m-%d %H:%M})"

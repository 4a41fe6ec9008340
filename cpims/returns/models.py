"""Monthly returns: one per reporting org unit and month, with its history and reminders.

Data, constraints and invariants only: every write goes through ``cpims.returns.actions``, every
read through ``cpims.returns.queries`` (which starts from the scope rules).

Figures are kept as two JSON objects of non-negative integers: ``prefilled`` (computed from the
records by the kind's prefill function — refreshed while the return is a draft, frozen once it is
submitted) and ``paper`` (the few figures that only exist on paper, typed by the officer).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpims.core.models import BaseModel
from cpims.core.periods import Period
from cpims.core.scoping import ScopeFields
from cpims.geo.models import Area, OrgUnit


class MonthlyReturn(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")

    # A return counts as received while it is with the county or approved (see docs/returns.md).
    RECEIVED = (Status.SUBMITTED, Status.APPROVED)
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    kind = models.CharField(_("kind of return"), max_length=20)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="monthly_returns"
    )
    county = models.ForeignKey(Area, verbose_name=_("county"), on_delete=models.PROTECT, null=True, related_name="+")
    sub_county = models.ForeignKey(
        Area, verbose_name=_("sub-county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("month"))  # the 1st of the reporting month
    due_on = models.DateField(_("due on"))  # deadline: the end of this day, Africa/Nairobi
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    revision = models.PositiveIntegerField(_("revision"), default=1)  # +1 on each audited correction

    prefilled = models.JSONField(_("figures from the records"), default=dict)
    paper = models.JSONField(_("figures from paper records"), default=dict)
    prefilled_at = models.DateTimeField(_("figures computed at"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True)  # by the first submission
    submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope_fields = ScopeFields(org_unit="org_unit", county="county", sub_county="sub_county")

    class Meta:
        verbose_name = _("monthly return")
        verbose_name_plural = _("monthly returns")
        ordering = ["-month", "org_unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "month"], name="return_unit_month_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted", "returned", "approved"]),
                name="return_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["month", "status"], name="return_month_status"),
            models.Index(fields=["county", "month"], name="return_county_month"),
            models.Index(fields=["sub_county", "month"], name="return_subcounty_month"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.period.code}"

    @classmethod
    def blank(cls, kind: Any, org_unit: OrgUnit, period: Period, **fields: Any) -> MonthlyReturn:
        """An unsaved return of ``org_unit`` for ``period`` (a month) of ``kind`` (a
        ``registry.ReturnKind``): its place and due day set, the paper figures at zero."""
        fields.setdefault("paper", {name: 0 for name in kind.field_names()})
        return cls(
            kind=kind.kind,
            org_unit=org_unit,
            county_id=org_unit.county_id,
            sub_county_id=org_unit.sub_county_id,
            month=period.start,
            due_on=kind.due_date(period),
            **fields,
        )

    @property
    def period(self) -> Period:
        return Period.month(self.month.year, self.month.month)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_received(self) -> bool:
        return self.status in self.RECEIVED


class ReturnEvent(models.Model):
    """One line of a return's history: every transition, with its comment and, where the figures
    were fixed or replaced (submission, approval, correction), a copy of them."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Draft started")
        SAVED = "saved", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        RETURNED = "returned", _("Returned with comments")
        APPROVED = "approved", _("Approved")
        REOPENED = "reopened", _("Reopened for correction")

    monthly_return = models.ForeignKey(MonthlyReturn, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    figures = models.JSONField(_("figures"), null=True, blank=True)  # {"prefilled": {...}, "paper": {...}}

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ReturnReminder(models.Model):
    """A reminder sent for an overdue return: at most one per unit, month and day (idempotent)."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "month", "sent_on"], name="return_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.month:%Y-%m} {self.sent_on}"

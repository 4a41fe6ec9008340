"""Child-protection cases, following DCS Case Record Sheet A.

Data, constraints and invariants only: every write goes through ``cpims.cases.actions``; the state
machine lives in ``cpims.cases.workflow``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpims.accounts.scope import Grants
from cpims.accounts.types import AnyUser
from cpims.cases.messages import render
from cpims.core.models import BaseModel, Code
from cpims.core.scoping import ScopeFields
from cpims.geo.models import Area, OrgUnit

# Categories whose details are sensitive (sexual abuse, HIV, children in conflict with the law):
# their narrative is shown only with case.view_sensitive.
SENSITIVE_CATEGORY_CODES = frozenset({"CCDF", "CSDF", "CSRC", "CSRG", "CSSO", "CLAB", "CSAB", "CORP"})


# What an emergency ("break-the-glass") access opens: reading only, never changing the record.
EMERGENCY_PERMS = frozenset({"case.view", "child.view"})


def shared_case_ids(user: AnyUser, grants: Grants, perm: str) -> QuerySet[Any] | None:
    """The ids of the cases shared with one of the user's units (for ``perm``) or, for reading, with
    the user alone (emergency access); None when the user's grants reach no unit. Expiry is applied
    here, at read time: a grant past ``expires_at`` or ended gives nothing, whatever a job did."""
    units = sorted({g.org_unit_id for g in grants.with_perm(perm)})
    if not units:
        return None
    cond = Q(org_unit__in=units, user__isnull=True)
    if perm in EMERGENCY_PERMS and getattr(user, "pk", None):
        cond |= Q(org_unit__in=units, user=user.pk)
    return CaseAccess.objects.active().filter(cond).values("case_id")


def access_q(user: AnyUser, grants: Grants, perm: str) -> Q | None:
    """Extra scope: an active CaseAccess (referral, transfer, emergency) opens the case to the
    receiving unit (or user), for the permissions that unit's grants carry."""
    # A subquery, not a join: joined, the OR with the area scope made PostgreSQL hash every
    # CaseAccess row and scan every case (bench, 1M cases: filtered list p95 1,050 -> 350 ms).
    cases = shared_case_ids(user, grants, perm)
    return None if cases is None else Q(pk__in=cases)


def service_access_q(user: AnyUser, grants: Grants, perm: str) -> Q | None:
    """Services on a case the unit was given access to."""
    cases = shared_case_ids(user, grants, perm)
    return None if cases is None else Q(case__in=cases)


class CaseNumberCounter(models.Model):
    """Race-free case numbers: one row per office and year, locked (SELECT ... FOR UPDATE) by the
    transaction that opens the case, so two officers saving at once never get the same number."""

    office = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="case_counter_office_year")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}={self.value}"


class Case(BaseModel):
    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ASSESSMENT = "assessment", _("Under assessment")
        PLAN = "plan", _("Case plan")
        SERVICES = "services", _("Services in progress")
        CLOSED = "closed", _("Closed")

    class HivStatus(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")
        NOT_DISCLOSED = "not_disclosed", _("Not disclosed")

    case_number = models.CharField(_("case number"), max_length=60, unique=True, editable=False)
    year = models.PositiveIntegerField(_("year"), editable=False)
    serial = models.PositiveIntegerField(_("serial"), editable=False)
    child = models.ForeignKey(
        "registry.Person", verbose_name=_("child"), on_delete=models.PROTECT, related_name="cases"
    )
    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="cases")
    # The office whose counter issued the number. A case keeps its number for life, so this never
    # changes when a transfer moves ``office``; the number is unique per issuing office and year.
    numbered_by = models.ForeignKey(
        OrgUnit, verbose_name=_("numbered by"), on_delete=models.PROTECT, editable=False, related_name="+"
    )
    county = models.ForeignKey(
        Area, verbose_name=_("county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sub_county = models.ForeignKey(
        Area, verbose_name=_("sub-county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    # Reporting
    reported_on = models.DateField(_("date reported"))
    reporter_type = models.ForeignKey(
        Code, verbose_name=_("reported by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("reporter's telephone or address"), max_length=200, blank=True)
    reporter_relationship = models.CharField(_("reporter's relationship to the child"), max_length=120, blank=True)

    # Where it happened
    event_county = models.ForeignKey(
        Area, verbose_name=_("county of event"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event_sub_county = models.ForeignKey(
        Area, verbose_name=_("sub-county of event"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event_ward = models.ForeignKey(
        Area, verbose_name=_("ward of event"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event_village = models.CharField(_("village or estate of event"), max_length=120, blank=True)
    event_place_detail = models.CharField(_("place of event (description)"), max_length=200, blank=True)

    # Assessment of the child's situation
    risk_level = models.ForeignKey(
        Code, verbose_name=_("risk level"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    immediate_needs = models.ManyToManyField(Code, verbose_name=_("immediate needs"), blank=True, related_name="+")
    long_term_needs = models.ManyToManyField(Code, verbose_name=_("long-term support"), blank=True, related_name="+")
    police_ob_number = models.CharField(_("police OB number"), max_length=60, blank=True)
    family_status = models.ForeignKey(
        Code, verbose_name=_("family status"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household_economics = models.ForeignKey(
        Code,
        verbose_name=_("household economic status"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    recommendations = models.TextField(_("recommendations (best interest of the child)"), blank=True)

    # Sensitive sections: shown only with case.view_sensitive.
    sensitive_narrative = models.TextField(_("sensitive details (e.g. sexual abuse narrative)"), blank=True)
    hiv_status = models.CharField(
        _("HIV status"), max_length=16, choices=HivStatus.choices, default=HivStatus.UNKNOWN, blank=True
    )
    in_conflict_with_law = models.BooleanField(_("child in conflict with the law"), default=False)

    # Assessment
    assessment_summary = models.TextField(_("assessment"), blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    # Closure
    closure_outcome = models.ForeignKey(
        Code, verbose_name=_("closure outcome"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope_fields = ScopeFields(
        org_unit="office", county="county", sub_county="sub_county", owner="created_by", extra=access_q
    )

    SENSITIVE_FIELDS = ("sensitive_narrative", "hiv_status", "in_conflict_with_law")

    # Change history (what the record said on a given date), with the acting user.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["numbered_by", "year", "serial"], name="case_number_per_issuer_year"),
        ]
        indexes = [
            models.Index(fields=["county", "status", "reported_on"], name="case_county_status"),
            models.Index(fields=["sub_county", "status", "reported_on"], name="case_subcounty_status"),
            models.Index(fields=["office", "status", "reported_on"], name="case_office_status"),
            models.Index(fields=["created_by", "status"], name="case_owner_status"),
            models.Index(fields=["status", "reported_on"], name="case_status_reported"),
            # The case list's date filters and its newest-first order (bench, 1M cases: a month's
            # count 173 -> 5 ms; without it PostgreSQL scanned every case).
            models.Index(fields=["-reported_on", "-id"], name="case_reported_desc"),
            # Open cases of an area: overdue follow-ups on dashboards and task lists start here
            # (bench: Nairobi's overdue follow-ups count 324 -> 17 ms).
            models.Index(fields=["county", "id"], condition=~Q(status="closed"), name="case_open_county"),
            models.Index(fields=["sub_county", "id"], condition=~Q(status="closed"), name="case_open_subcounty"),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class CaseCategory(models.Model):
    """One DCS case category of a case, with its sub-category, date, nature and place."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(Code, verbose_name=_("case category"), on_delete=models.PROTECT, related_name="+")
    sub_category = models.ForeignKey(
        Code, verbose_name=_("sub-category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_of_event = models.DateField(_("date of event"), null=True, blank=True)
    nature = models.ForeignKey(
        Code, verbose_name=_("nature of case"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    place_of_event = models.ForeignKey(
        Code, verbose_name=_("place of event"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The intervention given for this category, recorded at closure.
    intervention = models.ForeignKey(
        Code, verbose_name=_("intervention"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Change history (what the record said on a given date), with the acting user.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["category", "case"], name="casecategory_category")]

    def __str__(self) -> str:
        return str(self.category_id)

    @property
    def is_sensitive(self) -> bool:
        return self.category.code in SENSITIVE_CATEGORY_CODES


class Perpetrator(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        UNKNOWN = "unknown", _("Unknown")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    name = models.CharField(_("name"), max_length=200, blank=True)
    relationship = models.ForeignKey(
        Code, verbose_name=_("relationship to child"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)

    class Meta:
        verbose_name = _("alleged perpetrator")
        verbose_name_plural = _("alleged perpetrators")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.name or "-"


class CaseEvent(models.Model):
    """One row of a case's timeline. ``summary`` holds no personal data beyond what the case page
    shows; ``details`` holds ids, codes and changed field names."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # English text written with the row: shown for old rows and for a message no longer registered.
    summary = models.CharField(max_length=255)
    # A key of cpims.cases.messages and its parameters: rendered in the reader's language.
    message = models.CharField(max_length=60, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # The case version after this event (what a stale editor missed).
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return self.kind

    @property
    def text(self) -> str:
        """The timeline sentence in the active language (the stored summary for old rows)."""
        return (render(self.message, self.params) if self.message else None) or self.summary


class CaseAccessQuerySet(models.QuerySet["CaseAccess"]):
    def active(self, at: dt.datetime | None = None) -> CaseAccessQuerySet:
        """Grants in force at ``at`` (now): not ended and not past their expiry. Every read of
        access goes through here, so an expired grant gives nothing even before a job ends it."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at or timezone.now())
        )


class CaseAccess(models.Model):
    """Access to one case given to another org unit (a referral, a transfer) or, in an emergency,
    to one user; revocable, and resting on a recorded basis (a consent, a court order, the child's
    best interest decided by an officer with a reason, the case's assignment, an emergency)."""

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        COURT_ORDER = "court_order", _("Court order")
        BEST_INTEREST = "best_interest", _("The child's best interest")
        ASSIGNMENT = "assignment", _("Case assignment or transfer")
        EMERGENCY = "emergency", _("Emergency access")

    class Ended(models.TextChoices):
        REVOKED = "revoked", _("Ended by an officer")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        EXPIRED = "expired", _("Expired")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="case_access")
    # Set for an emergency access: the grant opens the case to this user only (from org_unit).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=40)
    basis = models.CharField(_("basis"), max_length=14, choices=Basis.choices, default=Basis.ASSIGNMENT)
    consent = models.ForeignKey(
        "registry.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="case_access"
    )
    # Why, in the officer's words: the best-interest decision, the court order, the emergency.
    basis_note = models.CharField(_("reason"), max_length=300, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    # Ended: revoked_at is when, ended_reason why (expired grants get it from the periodic job).
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_reason = models.CharField(max_length=20, choices=Ended.choices, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = CaseAccessQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["org_unit", "revoked_at"], name="caseaccess_unit_active"),
            models.Index(fields=["basis", "granted_at"], name="caseaccess_basis"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(basis="emergency") | (Q(user__isnull=False) & Q(expires_at__isnull=False)),
                name="caseaccess_emergency_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}->{self.org_unit_id} ({self.reason})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class CasePlan(BaseModel):
    """The case plan: goals per domain, submitted and approved by a supervisor."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("reason returned"), blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="caseplan_status")]

    def __str__(self) -> str:
        return f"plan {self.case_id}"


class CasePlanGoal(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.ForeignKey(Code, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="+")
    goal = models.CharField(_("goal"), max_length=255)
    actions = models.TextField(_("actions"), blank=True)
    responsible = models.CharField(_("responsible"), max_length=200)
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("due date"))

    class Meta:
        ordering = ["plan_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.goal


class FollowUp(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followups")
    due_on = models.DateField(_("due date"))
    purpose = models.CharField(_("purpose"), max_length=255)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    # Ended without being done: closing the case ends every follow-up still pending.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["done_on", "due_on"], name="followup_open_due"),
            models.Index(fields=["case", "due_on"], condition=Q(done_on__isnull=True), name="followup_open_case"),
            models.Index(fields=["assigned_to", "done_on"], name="followup_assignee"),
            # "My tasks": the user's own open follow-ups by due date (cases.queries.my_open_followups).
            models.Index(
                fields=["assigned_to", "due_on"],
                condition=Q(done_on__isnull=True, ended_on__isnull=True),
                name="followup_open_assignee",
            ),
        ]

    def __str__(self) -> str:
        return self.purpose


class CaseClosure(BaseModel):
    """A proposed closure: outcome and notes; approved (case closed) or rejected by a supervisor."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    outcome = models.ForeignKey(Code, verbose_name=_("closure outcome"), on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    # {category row id: intervention code id}
    interventions = models.JSONField(default=dict)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["decision"], name="caseclosure_decision")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(decision="pending"), name="caseclosure_one_pending_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"closure {self.case_id} {self.decision}"


class ServiceRecord(BaseModel):
    """A service or intervention given to a child by any actor, with or without a case."""

    child = models.ForeignKey(
        "registry.Person", verbose_name=_("child"), on_delete=models.PROTECT, related_name="service_records"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    service = models.ForeignKey(Code, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField(_("date given"))
    provider = models.ForeignKey(
        OrgUnit, verbose_name=_("provided by"), on_delete=models.PROTECT, related_name="service_records"
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # Where the child lived (else where the provider works), for area scope.
    county = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sub_county = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    scope_fields = ScopeFields(
        org_unit="provider",
        county="county",
        sub_county="sub_county",
        owner="recorded_by",
        extra=service_access_q,
        multi=True,
    )

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-given_on", "-id"]
        indexes = [
            models.Index(fields=["child", "given_on"], name="service_child_date"),
            models.Index(fields=["provider", "given_on"], name="service_provider_date"),
            models.Index(fields=["county", "given_on"], name="service_county_date"),
            models.Index(fields=["sub_county", "given_on"], name="service_subcounty_date"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.given_on}"

"""Caseload facts (one row per case category, and one per referral, derived from the records,
never typed) and the background downloads every long-running file goes through.

Facts are kept current by ``cpims.reporting.facts``: saving a case, a case category or a person
queues the case (or person) in ``FactQueue`` inside the same transaction, and every read catches
up the queue first, so a change shows on the next read.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cpims.core import files
from cpims.core.models import BaseModel, Code
from cpims.core.scoping import ScopeFields
from cpims.geo.models import Area, OrgUnit


class CaseFact(models.Model):
    """One case category of one case, flattened for counting. ``primary`` marks one row per case
    (its first category): count cases with ``primary=True``, categories without. ``office``,
    ``county`` and ``sub_county`` are where the case was *reported*: a later transfer does not
    move it (transfers are counted on their own, ``TransferFact``)."""

    # Facts go only when their case is refreshed (deleting a category or a case queues it), never
    # by cascade: the national caseload cells subtract what a case's facts held before, so the
    # facts must still be there to be read when the refresh comes.
    case = models.ForeignKey("cases.Case", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    case_category = models.OneToOneField(
        "cases.CaseCategory", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    primary = models.BooleanField(default=False)
    reported_on = models.DateField()
    month = models.DateField()  # the 1st of the month reported
    office = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    sub_county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    event_ward = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    category = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="+", db_index=False)
    sub_category = models.ForeignKey(Code, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    intervention = models.ForeignKey(Code, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    place_of_event = models.ForeignKey(Code, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    risk_level = models.ForeignKey(Code, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    reporter_type = models.ForeignKey(Code, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    sex = models.CharField(max_length=10)  # male / female / intersex / unknown
    age = models.PositiveSmallIntegerField(null=True)
    dcs_band = models.CharField(max_length=8)
    knbs_band = models.CharField(max_length=8)
    status = models.CharField(max_length=12)
    closed_on = models.DateField(null=True)
    days_to_close = models.IntegerField(null=True)
    # The source rows' timestamps when this fact was built (the periodic sweep compares them).
    case_updated_at = models.DateTimeField(null=True)
    child_updated_at = models.DateTimeField(null=True)

    scope_fields = ScopeFields(org_unit="office", county="county", sub_county="sub_county")

    class Meta:
        # Every read filters by the date reported and one scope column, then groups by a few
        # dimensions: one index per scope level led by that column, covering the usual
        # group-by columns on PostgreSQL (index-only scans).
        # (COUNT(*), not COUNT(id), in the queries, so the index alone answers.) The national and
        # county indexes, which serve the big scans, cover the breakdowns too.
        _cover = ["primary", "category", "sex", "dcs_band", "knbs_band", "intervention", "status"]
        _wide = [*_cover, "month", "sub_category", "place_of_event", "risk_level", "reporter_type", "sub_county"]
        indexes = [
            models.Index(fields=["reported_on"], include=[*_wide, "county"], name="casefact_reported"),
            models.Index(fields=["county", "reported_on"], include=_wide, name="casefact_county"),
            models.Index(fields=["sub_county", "reported_on"], include=_cover, name="casefact_subcounty"),
            models.Index(fields=["office", "reported_on"], include=_cover, name="casefact_office"),
            models.Index(fields=["case"], name="casefact_case"),
            # Cases closed in a period and the days they took (dashboards' median days to closure).
            models.Index(
                fields=["county", "closed_on"], include=["days_to_close", "primary"], name="casefact_county_closed"
            ),
            models.Index(
                fields=["sub_county", "closed_on"],
                include=["days_to_close", "primary"],
                name="casefact_subcounty_closed",
            ),
            models.Index(fields=["closed_on"], include=["days_to_close", "primary"], name="casefact_closed"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(primary=True), name="casefact_one_primary_per_case")
        ]

    def __str__(self) -> str:
        return f"fact {self.case_id}/{self.case_category_id}"


class ReferralFact(models.Model):
    """One referral, placed with the office that held its case on the day it was sent, for
    counting referrals sent and completed per period. Rebuilt with its case's facts (saving a
    referral queues the case)."""

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    sub_county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    status = models.CharField(max_length=10)
    sent_on = models.DateField()
    completed_on = models.DateField(null=True)  # the Nairobi date of completion
    referral_updated_at = models.DateTimeField(null=True)

    scope_fields = ScopeFields(org_unit="office", county="county", sub_county="sub_county")

    class Meta:
        # A dashboard counts one area's referrals sent, and completed, in one period: an index
        # per scope level and date.
        indexes = [
            models.Index(fields=["sent_on"], name="referralfact_sent"),
            models.Index(fields=["county", "sent_on"], name="referralfact_county_sent"),
            models.Index(fields=["sub_county", "sent_on"], name="referralfact_subcounty_sent"),
            models.Index(fields=["completed_on"], name="referralfact_completed"),
            models.Index(fields=["county", "completed_on"], name="referralfact_county_done"),
            models.Index(fields=["sub_county", "completed_on"], name="referralfact_subcounty_done"),
            models.Index(fields=["case"], name="referralfact_case"),
        ]

    def __str__(self) -> str:
        return f"referral fact {self.referral_id}"


class ServiceFact(models.Model):
    """One service recorded against a case (a ``ServiceRecord`` with a case; its service is a DCS
    intervention code), placed with the office that held the case on the day it was given, for
    the services table beside the closure interventions. Rebuilt with its case's facts."""

    # Gone only when their case is refreshed, never by cascade (as CaseFact, for the same reason).
    service_record = models.OneToOneField(
        "cases.ServiceRecord", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    service = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="+", db_index=False)
    given_on = models.DateField()
    office = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    sub_county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    sex = models.CharField(max_length=10)
    dcs_band = models.CharField(max_length=8)
    knbs_band = models.CharField(max_length=8)

    scope_fields = ScopeFields(org_unit="office", county="county", sub_county="sub_county")

    class Meta:
        _cover = ["service", "sex", "dcs_band", "knbs_band"]
        indexes = [
            models.Index(fields=["given_on"], include=[*_cover, "county"], name="servicefact_given"),
            models.Index(fields=["county", "given_on"], include=_cover, name="servicefact_county"),
            models.Index(fields=["sub_county", "given_on"], include=_cover, name="servicefact_subcounty"),
            models.Index(fields=["office", "given_on"], include=_cover, name="servicefact_office"),
            models.Index(fields=["case"], name="servicefact_case"),
        ]

    def __str__(self) -> str:
        return f"service fact {self.service_record_id}"


class TransferFact(models.Model):
    """One side of an accepted transfer of a case: a transfer *out* of the sending office and a
    transfer *in* to the receiving one, on the (Nairobi) day it was accepted. A transfer moves the
    case from then on; the figures of the periods before stay with the office that held it."""

    class Direction(models.TextChoices):
        IN = "in", _("Transfers in")
        OUT = "out", _("Transfers out")

    transfer = models.ForeignKey("referrals.Transfer", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    on = models.DateField()
    office = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    sub_county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)

    scope_fields = ScopeFields(org_unit="office", county="county", sub_county="sub_county")

    class Meta:
        indexes = [
            models.Index(fields=["on"], include=["direction", "county"], name="transferfact_on"),
            models.Index(fields=["county", "on"], include=["direction"], name="transferfact_county"),
            models.Index(fields=["sub_county", "on"], include=["direction"], name="transferfact_subcounty"),
            models.Index(fields=["office", "on"], include=["direction"], name="transferfact_office"),
            models.Index(fields=["case"], name="transferfact_case"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "direction"], name="transferfact_one_per_side"),
        ]

    def __str__(self) -> str:
        return f"transfer fact {self.transfer_id} {self.direction}"


class CaseMonth(models.Model):
    """Cases reported in one month in one sub-county, and how many of them are closed: the caseload
    facts rolled up, so a dashboard's series, open/closed split and per-area counts read a few
    hundred rows instead of a year of facts. Rebuilt with the facts (``cpims.reporting.rollups``)."""

    month = models.DateField()
    county = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    sub_county = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    cases = models.PositiveIntegerField()
    closed = models.PositiveIntegerField()

    scope_fields = ScopeFields(county="county", sub_county="sub_county")

    class Meta:
        _sums = ["cases", "closed"]
        indexes = [
            models.Index(fields=["month"], include=[*_sums, "county", "sub_county"], name="casemonth_month"),
            models.Index(fields=["county", "month"], include=[*_sums, "sub_county"], name="casemonth_county"),
            models.Index(fields=["sub_county", "month"], include=_sums, name="casemonth_subcounty"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.sub_county_id}: {self.cases}"


class CategoryMonth(models.Model):
    """Case categories reported in one month in one county, by category (the facts rolled up for
    the national and county dashboards' top categories)."""

    month = models.DateField()
    county = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    category = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="+", db_index=False)
    n = models.PositiveIntegerField()

    scope_fields = ScopeFields(county="county")

    class Meta:
        indexes = [
            models.Index(fields=["month"], include=["county", "category", "n"], name="categorymonth_month"),
            models.Index(fields=["county", "month"], include=["category", "n"], name="categorymonth_county"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.county_id} {self.category_id}: {self.n}"


class CaseloadMonth(models.Model):
    """The caseload tables' cells for the whole country, one month at a time: how many facts
    (categories, or cases for case-level dimensions) of one ``dimension`` value, sex and age
    bands were reported that month. A national caseload page for a financial year sums a few
    thousand of these instead of grouping half a million facts three times over.

    National rows only (no area), so only a national reader may count them; county and
    sub-county pages read the facts, which their indexes already answer quickly. Kept current by
    adding what each refresh of the facts changed (``cpims.reporting.rollups``), never edited."""

    month = models.DateField()
    dimension = models.CharField(max_length=16)
    value = models.CharField(max_length=24)  # a code's id, a case status, or "" for not recorded
    sex = models.CharField(max_length=10)
    dcs_band = models.CharField(max_length=8)
    knbs_band = models.CharField(max_length=8)
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "month", "value", "sex", "dcs_band", "knbs_band"],
                include=["n"],  # a period's sum is read from the index alone
                name="caseloadmonth_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.dimension}={self.value} {self.sex} {self.dcs_band}: {self.n}"


class FollowUpFact(models.Model):
    """One follow-up still to do (neither done nor ended) on a case that is not closed, in the
    office and areas that hold the case now (not where it was reported): what the overdue
    follow-ups count is made of. Rebuilt with its case's facts; gone only then, never by cascade."""

    followup = models.OneToOneField(
        "cases.FollowUp", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    due_on = models.DateField()
    office = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    sub_county = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)

    scope_fields = ScopeFields(org_unit="office", county="county", sub_county="sub_county")

    class Meta:
        indexes = [
            models.Index(fields=["case"], name="followupfact_case"),
            models.Index(fields=["sub_county", "due_on"], name="followupfact_subcounty"),
        ]

    def __str__(self) -> str:
        return f"follow-up fact {self.followup_id}"


class FollowUpDue(models.Model):
    """Follow-ups still to do, by the day they are due and the sub-county holding their case: the
    follow-up facts rolled up, so the overdue count for the nation or a county sums these rows
    (one per day and sub-county) instead of counting follow-ups through the case scope. Recounted
    from the facts for the days and areas a change touches (``cpims.reporting.rollups``)."""

    due_on = models.DateField()
    county = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    sub_county = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    n = models.PositiveIntegerField()

    scope_fields = ScopeFields(county="county", sub_county="sub_county")

    class Meta:
        indexes = [
            models.Index(fields=["due_on"], include=["n", "county", "sub_county"], name="followupdue_due"),
            models.Index(fields=["county", "due_on"], include=["n", "sub_county"], name="followupdue_county"),
            models.Index(fields=["sub_county", "due_on"], include=["n"], name="followupdue_subcounty"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.sub_county_id}: {self.n}"


class FactQueue(models.Model):
    """A case (or every case of a person) whose facts must be rebuilt. Written by signal handlers
    in the transaction that changes the record; emptied by ``facts.catch_up``."""

    case_id = models.BigIntegerField(null=True)
    person_id = models.BigIntegerField(null=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"queue case={self.case_id} person={self.person_id}"


class FactState(models.Model):
    """One row: when the last timestamp sweep (the safety net for writes that bypass signals) ran."""

    swept_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"swept {self.swept_at}"


# The shared private storage (cpims.core.files): the filesystem under MEDIA_ROOT/private by default,
# an S3 bucket with CPIMS_STORAGE=s3. Kept under this name, which the migrations refer to.
def private_storage() -> Storage:
    return files.private_storage()


def _download_path(instance: Download, filename: str) -> str:
    return f"downloads/{instance.public_id}/{filename}"


class Download(BaseModel):
    """A file made in the background (an export, a pack) for one person, who alone may fetch it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    file = models.FileField(storage=private_storage, upload_to=_download_path, max_length=255, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"], name="download_owner_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

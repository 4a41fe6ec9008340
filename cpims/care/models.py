"""Children in care: institution profiles, placements (institutional and alternative family
care), their dated status changes, reviews and post-discharge follow-ups.

Data, constraints and invariants only: every write goes through ``cpims.care.actions``; every read
through ``cpims.care.queries`` (which starts from the scope rules).

Words used here:

* A placement is **active** while it has not ended (``ended_on`` is empty): the child is resident,
  on leave, or escaped and not yet found. Active placements are the institution's *roll*
  (population); a child has at most one active placement (a partial unique constraint).
* A placement **ends** with a transfer, a discharge, reintegration with family or death; the
  ending status row carries the date, copied to ``ended_on``. A placement is *open on* a day D when
  ``admitted_on <= D`` and it had not ended by then (``ended_on`` empty or after D).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpims.accounts import permissions as P
from cpims.accounts.scope import Grants
from cpims.accounts.types import AnyUser
from cpims.core.models import BaseModel, Code
from cpims.core.scoping import ScopeFields
from cpims.geo.models import Area, OrgUnit

# The DCS code lists the care records point at.
CARE_TYPE_LIST = "alternative_family_care_type_id"
INSTITUTION_TYPE_LIST = "institution_type_id"
ADMISSION_TYPE_LIST = "admission_type_id"
ADMISSION_REASON_LIST = "admission_reason_id"
DISCHARGE_TYPE_LIST = "discharge_type_id"

INSTITUTIONAL_CARE = "AFIC"  # Institutional care (residential care)
PLACE_OF_SAFETY = "AFPS"  # Places of safety and temporary shelter
# Care types that happen in an institution (an org unit); the others are family-based.
INSTITUTION_CARE_TYPES = frozenset({INSTITUTIONAL_CARE, PLACE_OF_SAFETY})
TRANSFER_IN = "TRIN"  # admission type of the placement a transfer opens
REINTEGRATION = "DREN"  # discharge type of reintegration with family
TRANSFER_OUT = "DTSI"  # discharge type "transfer to another statutory institution"

# The DCS institution type (institution_type_id) of each org-unit kind, where one exists.
KIND_TO_INSTITUTION_TYPE = {
    OrgUnit.Kind.CCI: "TICC",
    OrgUnit.Kind.RECEPTION_CENTRE: "TICA",
    OrgUnit.Kind.REMAND_HOME: "TICH",
    OrgUnit.Kind.REHABILITATION_SCHOOL: "TIRS",
    OrgUnit.Kind.BORSTAL: "TIBI",
}


class Institution(BaseModel):
    """The care profile of an org unit that is an institution (CCI or statutory institution)."""

    class Registration(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        APPLIED = "applied", _("Applied for registration")
        EXPIRED = "expired", _("Registration expired")
        UNREGISTERED = "unregistered", _("Not registered")
        STATUTORY = "statutory", _("Statutory (government) institution")

    org_unit = models.OneToOneField(
        OrgUnit, verbose_name=_("organisation unit"), on_delete=models.PROTECT, related_name="institution"
    )
    institution_type = models.ForeignKey(
        Code, verbose_name=_("DCS institution type"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registration_status = models.CharField(
        _("registration status"), max_length=14, choices=Registration.choices, default=Registration.UNREGISTERED
    )
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    serves = models.ForeignKey(
        Area,
        verbose_name=_("area served"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The county or sub-county the institution takes children from; empty for the whole country."),
    )
    is_open = models.BooleanField(_("open"), default=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    scope_fields = ScopeFields(org_unit="org_unit", county="org_unit__county", sub_county="org_unit__sub_county")

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_open=True, closed_on__isnull=True) | Q(is_open=False), name="institution_open_not_closed"
            ),
        ]

    def __str__(self) -> str:
        return self.org_unit.name


class CapacityRow(models.Model):
    """Places an institution has for children of one sex and age band ("any" = every sex / age).

    Rows of one institution never overlap (checked by the action), so their sum is the capacity."""

    ANY = "any"

    class Sex(models.TextChoices):
        ANY = "any", _("Any sex")
        MALE = "male", _("Boys")
        FEMALE = "female", _("Girls")
        INTERSEX = "intersex", _("Intersex")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="capacity_rows")
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.ANY)
    band = models.CharField(_("age band"), max_length=12, default=ANY)  # a DCS band key ("0-5") or "any"
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("capacity")
        verbose_name_plural = _("capacity")
        ordering = ["institution", "sex", "band"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "sex", "band"], name="capacity_row_unique"),
            models.CheckConstraint(condition=Q(places__gte=0), name="capacity_places_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sex}/{self.band}: {self.places}"


def placement_extra_q(user: AnyUser, grants: Grants, perm: str) -> Q | None:
    """Extra scope of a placement, beyond where the child is placed:

    * "placements of its children", wherever the child is placed: an area grant reaches the
      placements of children who live in its county / sub-county, and of children whose case is
      owned by an office there (the responsible office); a unit grant those of its cases;
    * to *see* (placement.view) a child's placements, the institution where that child is now
      placed reaches every placement of the child: the next caregiver sees the history.
    """
    q: Q | None = None

    def add(extra: Q) -> None:
        nonlocal q
        q = extra if q is None else q | extra

    from cpims.registry.models import Person

    units: set[int] = set()
    for g in grants.with_perm(perm):
        if g.scope == "area" and g.area_level == Area.Level.COUNTY:
            add(Q(office__county=g.county_id) | Q(child__county=g.county_id))
        elif g.scope == "area" and g.area_level in (Area.Level.SUB_COUNTY, Area.Level.WARD):
            # A sub-county's offices and children are few: as id subqueries PostgreSQL hashes them
            # once instead of joining every placement to its office and child (bench, 1M children:
            # a Westlands officer's care tasks 390 -> 165 ms). A county's ~100,000 children are
            # cheaper joined (as subqueries a Nairobi coordinator's care tasks took 1,000 ms, joined 250).
            offices = OrgUnit.objects.filter(sub_county=g.sub_county_id).values("pk")
            children = Person.objects.filter(sub_county=g.sub_county_id).values("pk")
            add(Q(office_id__in=offices) | Q(child_id__in=children))
        elif g.scope in ("area", "org_unit"):
            add(Q(office=g.org_unit_id))
        if g.scope == "org_unit":
            units.add(g.org_unit_id)
    if units and perm == P.PLACEMENT_VIEW:
        add(
            Q(
                child_id__in=Placement.objects.filter(institution__in=sorted(units), ended_on__isnull=True).values(
                    "child_id"
                )
            )
        )
    return q


class Placement(BaseModel):
    """A child admitted to an institution or placed in alternative family care."""

    class Status(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        ON_LEAVE = "on_leave", _("On leave")
        ESCAPED = "escaped", _("Escaped (not found)")
        TRANSFERRED = "transferred", _("Transferred to another institution")
        DISCHARGED = "discharged", _("Discharged")
        REINTEGRATED = "reintegrated", _("Reintegrated with family")
        DIED = "died", _("Died")

    ACTIVE = frozenset({"resident", "on_leave", "escaped"})
    ENDING = frozenset({"transferred", "discharged", "reintegrated", "died"})

    child = models.ForeignKey(
        "registry.Person", verbose_name=_("child"), on_delete=models.PROTECT, related_name="placements"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    care_type = models.ForeignKey(Code, verbose_name=_("type of care"), on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        OrgUnit,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    caregiver_name = models.CharField(_("caregiver (family care)"), max_length=200, blank=True)
    location = models.ForeignKey(
        Area,
        verbose_name=_("where the family lives"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The DCS office responsible for the child (the linked case's office).
    office = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Where the child is placed, copied from the institution (or the family's area) so scope
    # filters are one indexed equality.
    county = models.ForeignKey(
        Area, verbose_name=_("county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sub_county = models.ForeignKey(
        Area, verbose_name=_("sub-county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    admitted_on = models.DateField(_("date of admission"))
    admission_type = models.ForeignKey(
        Code, verbose_name=_("type of admission"), on_delete=models.PROTECT, related_name="+"
    )
    admission_reason = models.ForeignKey(
        Code, verbose_name=_("reason for admission"), on_delete=models.PROTECT, related_name="+"
    )
    # The committal or court order the child is held under.
    court = models.ForeignKey(
        OrgUnit, verbose_name=_("court"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    court_name = models.CharField(_("court (if not in the list)"), max_length=200, blank=True)
    order_number = models.CharField(_("order number"), max_length=60, blank=True)
    order_date = models.DateField(_("date of order"), null=True, blank=True)
    order_period_months = models.PositiveSmallIntegerField(_("period of the order (months)"), null=True, blank=True)
    # The day the order expires: the child is held under it up to and including the day before.
    order_expires_on = models.DateField(_("order expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.RESIDENT)
    status_on = models.DateField(_("status since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    discharge_type = models.ForeignKey(
        Code, verbose_name=_("type of discharge"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("transferred from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(_("version"), default=1)

    scope_fields = ScopeFields(
        org_unit="institution", county="county", sub_county="sub_county", owner="created_by", extra=placement_extra_q
    )

    # Change history (what the record said on a given date), with the acting user.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-admitted_on", "-id"]
        indexes = [
            models.Index(fields=["institution", "ended_on"], name="placement_inst_ended"),
            models.Index(fields=["institution", "admitted_on"], name="placement_inst_admitted"),
            models.Index(fields=["child", "admitted_on"], name="placement_child_admitted"),
            models.Index(fields=["county", "ended_on"], name="placement_county_ended"),
            models.Index(fields=["sub_county", "ended_on"], name="placement_subcounty_ended"),
            models.Index(fields=["office", "ended_on"], name="placement_office_ended"),
            models.Index(fields=["order_expires_on"], name="placement_order_expires"),
            models.Index(fields=["status"], name="placement_status"),
            # The "my tasks" view: the active placements a user made.
            models.Index(fields=["created_by"], condition=Q(ended_on__isnull=True), name="placement_active_by"),
        ]
        constraints = [
            # One active placement per child: the database refuses a second one whatever the code does.
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="placement_one_active_per_child"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("admitted_on")),
                name="placement_ends_after_admission",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["resident", "on_leave", "escaped"], ended_on__isnull=True)
                | Q(status__in=["transferred", "discharged", "reintegrated", "died"], ended_on__isnull=False),
                name="placement_status_matches_end",
            ),
            models.CheckConstraint(
                condition=Q(order_expires_on__isnull=True)
                | Q(order_date__isnull=True)
                | Q(order_expires_on__gte=F("order_date")),
                name="placement_order_expires_after_made",
            ),
            models.CheckConstraint(
                condition=Q(status_on__gte=F("admitted_on")), name="placement_status_after_admission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.admitted_on}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @property
    def where(self) -> str:
        if self.institution_id and self.institution:
            return self.institution.name
        return self.caregiver_name or str(self.care_type.display_label if self.care_type_id else "")

    @property
    def court_label(self) -> str:
        return self.court.name if self.court_id and self.court else self.court_name


class StatusChange(models.Model):
    """One dated status of a placement (the first is the admission: resident)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=14, choices=Placement.Status.choices)
    on = models.DateField(_("date"))
    discharge_type = models.ForeignKey(
        Code, verbose_name=_("type of discharge"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["placement", "on"], name="carestatus_placement_on")]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.status} {self.on}"


class Review(BaseModel):
    """A review of a placement: individual care plan review or case conference. Scheduled with a
    due date (on the task list until held), then recorded as held."""

    class Kind(models.TextChoices):
        CARE_PLAN = "care_plan", _("Individual care plan review")
        CASE_CONFERENCE = "case_conference", _("Case conference")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("type of review"), max_length=16, choices=Kind.choices)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Ended without being held: discharging the child ends every review still pending.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["placement", "due_on", "id"]
        indexes = [
            models.Index(fields=["held_on", "due_on"], name="carereview_pending_due"),
            # The "my tasks" view: the pending reviews a user recorded.
            models.Index(
                fields=["recorded_by", "due_on"],
                condition=Q(held_on__isnull=True, ended_on__isnull=True),
                name="carereview_pending_by",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=False) | Q(held_on__isnull=False), name="carereview_due_or_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.kind}"


class FollowUp(BaseModel):
    """A visit to a child after discharge (or one planned, with a due date)."""

    class Outcome(models.TextChoices):
        SETTLED = "settled", _("Settled well")
        NEEDS_SUPPORT = "needs_support", _("Needs support")
        AT_RISK = "at_risk", _("At risk: action needed")
        NOT_FOUND = "not_found", _("Child not found")

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="followups")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Ended without a visit (the child died, or a later discharge replaced it).
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("post-discharge follow-up")
        verbose_name_plural = _("post-discharge follow-ups")
        ordering = ["placement", "visited_on", "due_on", "id"]
        indexes = [
            models.Index(fields=["visited_on", "due_on"], name="carefollowup_pending_due"),
            # The "my tasks" view: the pending follow-up visits a user recorded.
            models.Index(
                fields=["recorded_by", "due_on"],
                condition=Q(visited_on__isnull=True, ended_on__isnull=True),
                name="carefollowup_pending_by",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=False) | Q(visited_on__isnull=False), name="carefollowup_due_or_visited"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.visited_on or self.due_on}"

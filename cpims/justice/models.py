"""Children in conflict with the law: the justice track of a case, from arrest to aftercare.

Data, constraints and invariants only: every write goes through ``cpims.justice.actions``; every
read through ``cpims.justice.queries``. The track LINKS to what other apps already hold instead of
copying it: the plea is the one recorded at a court session (``cpims.court``), the disposition
points at the court order that made it, and a committal points at the care placement
(``cpims.care``) opened for it. A remand is held in an org unit of kind *remand home*.

Scope follows the case, like the court records: whoever may see (or work on) the case may see (or
work on) its justice track, and the pages and API also require ``case.view_sensitive``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cpims.cases.models import service_access_q
from cpims.core.models import BaseModel
from cpims.core.scoping import ScopeFields
from cpims.geo.models import OrgUnit

# Case categories of children in conflict with the law (case_category_id): "Child offender", whose
# sub-list (offender_id) names the offence. A case marked "child in conflict with the law" also
# qualifies.
OFFENDER_CATEGORY_CODES = frozenset({"CSAB"})

# DCS codes the track uses (court_order_id, admission lists of the care app).
COMMITTAL_REHAB_ORDER = "OLCR"  # Committal order to rehabilitation/remand school
COMMITTAL_BORSTAL_ORDER = "OLCB"  # Committal order to Borstal
PROBATION_ORDER = "OLPR"  # Probation order
DISCHARGE_ORDER = "OLDS"  # Discharge order (child in conflict with law)
OFFENDER_ADMISSION_REASON = "RAOF"  # Child offender (in conflict with the law)
NEW_ADMISSION = "TANA"


def _case_scope() -> ScopeFields:
    """The case's own scope, and the units given access to it (referral, transfer)."""
    return ScopeFields(
        org_unit="case__office",
        county="case__county",
        sub_county="case__sub_county",
        owner="case__created_by",
        extra=service_access_q,
    )


class JusticeTrack(BaseModel):
    """The path of one case of a child in conflict with the law, one per case."""

    class Route(models.TextChoices):
        DIVERSION = "diversion", _("Diversion")
        COURT = "court", _("Court")

    class Bail(models.TextChoices):
        NOT_DECIDED = "not_decided", _("Not yet decided")
        BAIL = "bail", _("Released on cash bail")
        BOND = "bond", _("Released on bond")
        REFUSED = "refused", _("Bail refused (remanded)")

    class Disposition(models.TextChoices):
        COMMITTAL_REHABILITATION = "committal_rehabilitation", _("Committal to a rehabilitation school")
        COMMITTAL_BORSTAL = "committal_borstal", _("Committal to a borstal institution")
        PROBATION = "probation", _("Probation")
        DISCHARGE = "discharge", _("Discharge")

    COMMITTALS = frozenset({"committal_rehabilitation", "committal_borstal"})

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="justice_track"
    )
    # Police
    ob_number = models.CharField(_("OB number"), max_length=40)
    police_station = models.ForeignKey(
        OrgUnit,
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrgUnit.Kind.POLICE_STATION},
    )
    charge = models.CharField(_("charge"), max_length=300)
    arrested_on = models.DateField(_("date of arrest"))
    # Diversion or court
    route = models.CharField(_("route"), max_length=10, choices=Route.choices, blank=True)
    route_on = models.DateField(_("route decided on"), null=True, blank=True)
    diversion_notes = models.TextField(_("diversion programme"), blank=True)
    plea_session = models.ForeignKey(
        "court.CourtSession",
        verbose_name=_("plea taken at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bail = models.CharField(_("bail or bond"), max_length=12, choices=Bail.choices, default=Bail.NOT_DECIDED)
    bail_terms = models.CharField(_("terms of bail or bond"), max_length=200, blank=True)
    bail_on = models.DateField(_("bail decided on"), null=True, blank=True)
    # Disposition
    disposition = models.CharField(_("disposition"), max_length=26, choices=Disposition.choices, blank=True)
    disposed_on = models.DateField(_("disposition date"), null=True, blank=True)
    disposition_order = models.ForeignKey(
        "court.CourtOrder",
        verbose_name=_("court order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    placement = models.ForeignKey(
        "care.Placement",
        verbose_name=_("committal placement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The day the disposition order expires (copied from the court order, which stays the record).
    order_expires_on = models.DateField(_("order expires on"), null=True, blank=True)
    # Aftercare
    aftercare_started_on = models.DateField(_("aftercare started on"), null=True, blank=True)
    aftercare_plan = models.TextField(_("aftercare plan"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # Bumped by every step; an editor's stale copy is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    scope_fields = _case_scope()

    class Meta:
        verbose_name = _("justice track")
        verbose_name_plural = _("justice tracks")
        ordering = ["-arrested_on", "-id"]
        indexes = [models.Index(fields=["order_expires_on"], name="justice_order_expires")]
        constraints = [
            models.CheckConstraint(
                condition=Q(order_expires_on__isnull=True)
                | Q(disposed_on__isnull=True)
                | Q(order_expires_on__gte=F("disposed_on")),
                name="justice_order_expires_after_disposed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.ob_number}"

    @property
    def is_committal(self) -> bool:
        return self.disposition in self.COMMITTALS


class Remand(BaseModel):
    """A period the child is held in a children's remand home awaiting the court."""

    track = models.ForeignKey(JusticeTrack, on_delete=models.CASCADE, related_name="remands")
    # Copied from the track so scope filters are one join.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        OrgUnit,
        verbose_name=_("remand home"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrgUnit.Kind.REMAND_HOME},
    )
    court_session = models.ForeignKey(
        "court.CourtSession",
        verbose_name=_("remanded at court session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_on = models.DateField(_("remanded from"))
    ended_on = models.DateField(_("remand ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why the remand ended"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    scope_fields = _case_scope()

    class Meta:
        verbose_name = _("remand")
        verbose_name_plural = _("remands")
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["ended_on", "started_on"], name="remand_open_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="remand_ends_after_start"
            ),
            models.UniqueConstraint(fields=["track"], condition=Q(ended_on__isnull=True), name="remand_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.track_id} {self.started_on}"


class JusticeReport(BaseModel):
    """A probation officer's or children's officer's report to the court."""

    class Kind(models.TextChoices):
        PROBATION = "probation", _("Probation officer's report")
        CHILDREN_OFFICER = "children_officer", _("Children's officer's report")

    track = models.ForeignKey(JusticeTrack, on_delete=models.CASCADE, related_name="reports")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type of report"), max_length=16, choices=Kind.choices)
    submitted_on = models.DateField(_("submitted on"))
    court_session = models.ForeignKey(
        "court.CourtSession",
        verbose_name=_("for court session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recommendation = models.CharField(_("recommendation"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    scope_fields = _case_scope()

    class Meta:
        verbose_name = _("report to the court")
        verbose_name_plural = _("reports to the court")
        ordering = ["submitted_on", "id"]

    def __str__(self) -> str:
        return f"{self.track_id} {self.kind} {self.submitted_on}"

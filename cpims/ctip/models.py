"""Counter-trafficking in persons (CTiP): the DCS CTiP forms as a track on a trafficking or
smuggling case.

One ``CtipTrack`` per case holds identification and screening, the reintegration plan and the link
to the prosecution; the steps that happen more than once (immediate assistance, family tracing,
repatriation or return, follow-up visits, cross-border referrals) are rows of their own.

Data, constraints and invariants only: every write goes through ``cpims.ctip.actions``. Scope
follows the case; reading any of it also needs ``case.view_sensitive`` (see ``queries.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cpims.core.models import BaseModel, Code
from cpims.core.scoping import ScopeFields
from cpims.court.models import _access_via
from cpims.geo.models import OrgUnit

# The DCS case categories that open a CTiP track.
CATEGORY_CODES = ("CSTC", "CSSM")  # trafficked child, smuggling
# The CTiP code lists the forms use (cpims/ctip/data/code_lists.csv).
COUNTRY_LIST = "ctip_country"
TRAFFICKING_TYPE_LIST = "ctip_trafficking_type"
MEANS_LIST = "ctip_means_id"
PURPOSE_LIST = "ctip_purpose_id"
INDICATOR_LISTS = ("ctip_situation", "ctip_exploit_condition")
RECRUITMENT_LIST = "ctip_form_d10"
TRANSPORT_LIST = "ctip_transport"
REFERRAL_TYPE_LIST = "ctip_referral_type"
KENYA = "KE"
# Org units the CTiP forms refer children to across borders (seeded by cpims.ctip.reference).
PARTNER_CODE_PREFIX = "CTIP-"


def _case_scope(prefix: str) -> ScopeFields:
    return ScopeFields(
        org_unit=f"{prefix}office",
        county=f"{prefix}county",
        sub_county=f"{prefix}sub_county",
        owner=f"{prefix}created_by",
        extra=_access_via(prefix),
    )


class CtipTrack(BaseModel):
    """The CTiP track of one case: identification and screening, reintegration plan, prosecution."""

    class Stage(models.TextChoices):
        IDENTIFIED = "identified", _("Identified and screened")
        ASSISTED = "assisted", _("Immediate assistance given")
        TRACED = "traced", _("Family traced and assessed")
        RETURNED = "returned", _("Repatriated or returned")
        REINTEGRATION = "reintegration", _("Reintegration and follow-up")

    STAGE_ORDER = [s.value for s in Stage]

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="ctip_track"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.IDENTIFIED)
    # Identification and screening
    identified_on = models.DateField(_("date identified"))
    trafficking_type = models.ForeignKey(
        Code, verbose_name=_("trafficking type"), on_delete=models.PROTECT, related_name="+"
    )
    nationality = models.ForeignKey(Code, verbose_name=_("nationality"), on_delete=models.PROTECT, related_name="+")
    country_of_origin = models.ForeignKey(
        Code, verbose_name=_("country of origin"), on_delete=models.PROTECT, related_name="+"
    )
    route = models.CharField(_("route (places passed through)"), max_length=300, blank=True)
    transport = models.ForeignKey(
        Code, verbose_name=_("means of transport"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recruitment = models.ForeignKey(
        Code, verbose_name=_("how recruited"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    means = models.ManyToManyField(Code, verbose_name=_("means used"), blank=True, related_name="+")
    purpose = models.ForeignKey(
        Code, verbose_name=_("purpose of exploitation"), on_delete=models.PROTECT, related_name="+"
    )
    indicators = models.ManyToManyField(Code, verbose_name=_("indicators"), blank=True, related_name="+")
    screening_notes = models.TextField(_("screening notes"), blank=True)
    # Reintegration plan
    reintegration_plan = models.TextField(_("reintegration plan"), blank=True)
    plan_agreed_on = models.DateField(_("plan agreed on"), null=True, blank=True)
    # Prosecution
    police_ob_number = models.CharField(_("police OB number"), max_length=60, blank=True)
    police_station = models.ForeignKey(
        OrgUnit,
        verbose_name=_("police station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": OrgUnit.Kind.POLICE_STATION},
    )
    court_case_number = models.CharField(_("court case number"), max_length=60, blank=True)
    court_session = models.ForeignKey(
        "court.CourtSession",
        verbose_name=_("court session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(_("version"), default=1)

    scope_fields = _case_scope("case__")

    class Meta:
        verbose_name = _("CTiP track")
        verbose_name_plural = _("CTiP tracks")
        indexes = [models.Index(fields=["identified_on"], name="ctiptrack_identified")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage}"


class _TrackRecord(BaseModel):
    track = models.ForeignKey(CtipTrack, verbose_name=_("CTiP track"), on_delete=models.CASCADE, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    scope_fields = _case_scope("track__case__")

    class Meta:
        abstract = True


class Assistance(_TrackRecord):
    """Immediate assistance given to the child."""

    class Kind(models.TextChoices):
        SHELTER = "shelter", _("Shelter")
        MEDICAL = "medical", _("Medical")
        PSYCHOSOCIAL = "psychosocial", _("Psycho-social")
        LEGAL = "legal", _("Legal")

    track = models.ForeignKey(
        CtipTrack, verbose_name=_("CTiP track"), on_delete=models.CASCADE, related_name="assistance"
    )
    kind = models.CharField(_("assistance"), max_length=14, choices=Kind.choices)
    given_on = models.DateField(_("date given"))
    provider = models.ForeignKey(
        OrgUnit, verbose_name=_("given by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("immediate assistance")
        verbose_name_plural = _("immediate assistance")
        ordering = ["given_on", "id"]


class Tracing(_TrackRecord):
    """A family tracing attempt and the assessment of the family found."""

    class Outcome(models.TextChoices):
        FOUND = "found", _("Family found")
        NOT_FOUND = "not_found", _("Family not found yet")

    class Assessment(models.TextChoices):
        SUITABLE = "suitable", _("Suitable for the child's return")
        NEEDS_SUPPORT = "needs_support", _("Suitable with support")
        NOT_SUITABLE = "not_suitable", _("Not suitable")
        NOT_ASSESSED = "not_assessed", _("Not assessed")

    track = models.ForeignKey(CtipTrack, verbose_name=_("CTiP track"), on_delete=models.CASCADE, related_name="tracing")
    traced_on = models.DateField(_("date of tracing"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    country = models.ForeignKey(
        Code, verbose_name=_("country where family lives"), on_delete=models.PROTECT, related_name="+"
    )
    assessment = models.CharField(
        _("family assessment"), max_length=14, choices=Assessment.choices, default=Assessment.NOT_ASSESSED
    )

    class Meta:
        verbose_name = _("family tracing")
        verbose_name_plural = _("family tracing")
        ordering = ["traced_on", "id"]


class Return(_TrackRecord):
    """The child's repatriation (to another country) or return (within Kenya)."""

    class Kind(models.TextChoices):
        REPATRIATION = "repatriation", _("Repatriation to another country")
        RETURN = "return", _("Return within Kenya")

    class Document(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        EMERGENCY = "emergency", _("Emergency travel document")
        NONE = "none", _("None needed")

    track = models.ForeignKey(CtipTrack, verbose_name=_("CTiP track"), on_delete=models.CASCADE, related_name="returns")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    travelled_on = models.DateField(_("date of travel"))
    country = models.ForeignKey(
        Code, verbose_name=_("returned to (country)"), on_delete=models.PROTECT, related_name="+"
    )
    travel_document = models.CharField(_("travel document"), max_length=10, choices=Document.choices)
    escort = models.CharField(_("escorted by"), max_length=200, blank=True)
    receiving_agency = models.ForeignKey(
        OrgUnit, verbose_name=_("receiving agency"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("repatriation or return")
        verbose_name_plural = _("repatriations and returns")
        ordering = ["travelled_on", "id"]


class FollowUp(_TrackRecord):
    """A follow-up of the child's reintegration."""

    class Status(models.TextChoices):
        SETTLED = "settled", _("Settling well")
        NEEDS_SUPPORT = "needs_support", _("Needs more support")
        AT_RISK = "at_risk", _("At risk of re-trafficking")
        LOST = "lost", _("Contact lost")

    track = models.ForeignKey(
        CtipTrack, verbose_name=_("CTiP track"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    visited_on = models.DateField(_("date of follow-up"))
    status = models.CharField(_("how the child is"), max_length=14, choices=Status.choices)

    class Meta:
        verbose_name = _("reintegration follow-up")
        verbose_name_plural = _("reintegration follow-ups")
        ordering = ["visited_on", "id"]


class Referral(_TrackRecord):
    """A cross-border referral to the CTiP Secretariat or a foreign agency."""

    track = models.ForeignKey(
        CtipTrack, verbose_name=_("CTiP track"), on_delete=models.CASCADE, related_name="referrals"
    )
    to_unit = models.ForeignKey(OrgUnit, verbose_name=_("referred to"), on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField(_("date referred"))
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("cross-border referral")
        verbose_name_plural = _("cross-border referrals")
        ordering = ["referred_on", "id"]

"""Administrative areas (county > sub-county > ward, counties grouped in regions) and organisation units."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpims.core.models import BaseModel
from cpims.core.scoping import ScopeFields


class Area(models.Model):
    """An administrative area with its official code.

    ``county`` and ``sub_county`` are denormalised ancestors (a county points at itself), so "all
    records in this county" is one equality on an indexed column on SQLite and PostgreSQL alike,
    with no recursive query and no collation-dependent prefix match.

    A region (one of the eight DCS regions, the former provinces) groups counties for reporting
    only: it has no parent, and ``region`` is set on its counties, sub-counties and wards. Regions
    are never an area of an org unit or of a record, and grant no scope.
    """

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        COUNTY = "county", _("County")
        SUB_COUNTY = "sub_county", _("Sub-county")
        WARD = "ward", _("Ward")

    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    code = models.CharField(_("official code"), max_length=8)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent area"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    county = models.ForeignKey("self", verbose_name=_("county"), on_delete=models.PROTECT, null=True, related_name="+")
    sub_county = models.ForeignKey(
        "self", verbose_name=_("sub-county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "self", verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["level", "code"]
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="area_level_code_unique")]
        indexes = [models.Index(fields=["county", "level"]), models.Index(fields=["sub_county", "level"])]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """The area's public identifier, unique across levels: ``county-047``, ``sub_county-274``,
        ``region-01``."""
        return f"{self.level}-{self.code}"

    @property
    def display_name(self) -> str:
        """The name as a heading shows it: "Coast region" for a region, else the name."""
        if self.level == self.Level.REGION:
            return gettext("%(name)s region") % {"name": self.name}
        return self.name

    def contains(self, other: Area | None) -> bool:
        """True if ``other`` is this area or lies inside it."""
        if other is None:
            return False
        if self.level == self.Level.REGION:
            return other.region_id == self.pk or other.pk == self.pk
        if self.level == self.Level.COUNTY:
            return other.county_id == self.pk
        if self.level == self.Level.SUB_COUNTY:
            return other.sub_county_id == self.pk
        return other.pk == self.pk


class OrgUnit(BaseModel):
    """An office, institution, court, agency or forum that acts for children.

    ``area`` is the area the unit serves; ``county``/``sub_county`` are copied from it (by the
    actions that write org units) so scope filters are one indexed equality.
    """

    class Kind(models.TextChoices):
        NATIONAL_OFFICE = "national", _("National office")
        REGIONAL_OFFICE = "regional", _("Regional office")
        COUNTY_OFFICE = "county_office", _("County children office")
        SUB_COUNTY_OFFICE = "sub_county_office", _("Sub-county children office")
        CCI = "cci", _("Charitable children's institution")
        RECEPTION_CENTRE = "si_reception", _("Reception and assessment centre")
        REMAND_HOME = "si_remand", _("Remand home")
        REHABILITATION_SCHOOL = "si_rehabilitation", _("Rehabilitation school")
        RESCUE_CENTRE = "si_rescue", _("Rescue centre")
        BORSTAL = "si_borstal", _("Borstal institution")
        COURT = "court", _("Children's court")
        POLICE_STATION = "police", _("Police station")
        HEALTH_FACILITY = "health", _("Health facility")
        SCHOOL = "school", _("School")
        NGO = "ngo", _("Non-governmental organisation")
        CBO = "cbo", _("Community-based organisation")
        FBO = "fbo", _("Faith-based organisation")
        AAC = "aac", _("Area Advisory Council")
        HELPLINE = "helpline", _("Child helpline")

    INSTITUTION_KINDS = frozenset({"cci", "si_reception", "si_remand", "si_rehabilitation", "si_rescue", "si_borstal"})
    DCS_OFFICE_KINDS = frozenset({"national", "regional", "county_office", "sub_county_office"})

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area served"), on_delete=models.PROTECT, null=True, blank=True, related_name="org_units"
    )
    county = models.ForeignKey(
        Area, verbose_name=_("county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sub_county = models.ForeignKey(
        Area, verbose_name=_("sub-county"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    physical_address = models.CharField(_("physical address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    scope_fields = ScopeFields(org_unit="pk", county="county", sub_county="sub_county")

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["county", "kind"]),
            models.Index(fields=["sub_county", "kind"]),
            models.Index(fields=["kind", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_institution(self) -> bool:
        return self.kind in self.INSTITUTION_KINDS

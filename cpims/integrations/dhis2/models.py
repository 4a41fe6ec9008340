"""DHIS2 integration data: the server, the mapping of our figures to DHIS2, and the push log.

The mapping is data, not code: DCS M&E staff can align it with KHIS without a release. A Kenya
default (placeholder identifiers, see ``defaults.py``) is loaded by ``load_reference``.
The server's password or API token is never stored: ``password_env`` names the environment
variable that holds it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cpims.core import ages
from cpims.core.models import BaseModel
from cpims.core.scoping import ScopeFields
from cpims.integrations.dhis2.uids import validate_uid

DEFAULT_PASSWORD_ENV = "CPIMS_DHIS2_PASSWORD"  # noqa: S105 - the name of a variable, not a secret
# DHIS2's built-in "default" category option combo (the same UID on every DHIS2 since 2.30).
DHIS2_DEFAULT_COMBO = "HllvX50cXC0"

validate_env_name = RegexValidator(
    r"^[A-Z][A-Z0-9_]{0,99}$",
    _("Use the name of an environment variable: capital letters, digits and underscores."),
    code="env_name",
)


class Sex(models.TextChoices):
    # The values of CaseFact.sex.
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Sex unknown")


DCS_BAND_CHOICES = [(key, ages.band_label(key)) for key in ages.band_keys(ages.DCS)]


class Dhis2Server(BaseModel):
    """Where and how to push. One server is active at a time."""

    class Auth(models.TextChoices):
        BASIC = "basic", _("Username and password")
        TOKEN = "token", _("Personal access token")

    class Level(models.TextChoices):
        COUNTY = "county", _("County")
        SUB_COUNTY = "sub_county", _("Sub-county")

    class IdScheme(models.TextChoices):
        UID = "uid", _("DHIS2 UID")
        CODE = "code", _("DHIS2 code")

    name = models.CharField(_("name"), max_length=120)
    base_url = models.URLField(_("base URL"), help_text=_("For example https://hiskenya.org (without /api)."))
    username = models.CharField(_("username"), max_length=120, blank=True)
    auth = models.CharField(_("authentication"), max_length=8, choices=Auth.choices, default=Auth.BASIC)
    password_env = models.CharField(
        _("environment variable with the password or token"),
        max_length=100,
        default=DEFAULT_PASSWORD_ENV,
        validators=[validate_env_name],
        help_text=_("The secret itself is never stored in CPIMS; set this variable on the server (or NAME_FILE)."),
    )
    data_set_uid = models.CharField(_("data set UID"), max_length=11, blank=True, validators=[validate_uid])
    attribute_option_combo_uid = models.CharField(
        _("attribute option combo UID"),
        max_length=11,
        blank=True,
        default=DHIS2_DEFAULT_COMBO,
        validators=[validate_uid],
    )
    org_unit_level = models.CharField(_("org unit level"), max_length=12, choices=Level.choices, default=Level.COUNTY)
    org_unit_id_scheme = models.CharField(
        _("org unit identifier"), max_length=4, choices=IdScheme.choices, default=IdScheme.UID
    )
    send_zeros = models.BooleanField(
        _("send zero values"),
        default=False,
        help_text=_("Send 0 for every mapped cell without cases (only for data elements where zero is significant)."),
    )
    timeout_seconds = models.PositiveSmallIntegerField(
        _("timeout (seconds)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=4, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    retry_backoff_seconds = models.FloatField(
        _("first retry after (seconds)"), default=2.0, validators=[MinValueValidator(0), MaxValueValidator(300)]
    )
    run_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("command runs as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The national account the dhis2_push command acts as when no --user is given."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("DHIS2 server")
        verbose_name_plural = _("DHIS2 servers")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="dhis2_one_active_server")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def api_url(self) -> str:
        return self.base_url.rstrip("/") + "/api/dataValueSets"


class DataElementMapping(models.Model):
    """One of our figures -> a DHIS2 data element (disaggregated by sex x DCS age band)."""

    class Indicator(models.TextChoices):
        CASES = "cases", _("Cases reported (all categories)")
        CATEGORY = "category", _("Cases reported by category")
        INTERVENTION = "intervention", _("Cases by intervention")

    indicator = models.CharField(_("figure"), max_length=12, choices=Indicator.choices)
    code = models.ForeignKey(
        "core.Code",
        verbose_name=_("DCS code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The case category or intervention; empty for all cases reported."),
    )
    uid = models.CharField(_("data element UID"), max_length=11, validators=[validate_uid])
    dhis2_code = models.CharField(_("data element code"), max_length=50, blank=True)
    name = models.CharField(_("data element name"), max_length=230)
    is_placeholder = models.BooleanField(_("placeholder"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("data element mapping")
        verbose_name_plural = _("data element mappings")
        ordering = ["indicator", "code__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="dhis2_de_one_per_code"),
            models.UniqueConstraint(
                fields=["indicator"], condition=Q(code__isnull=True), name="dhis2_de_one_total_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(indicator="cases", code__isnull=True) | (~Q(indicator="cases") & Q(code__isnull=False)),
                name="dhis2_de_code_matches_indicator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uid})"


class CategoryOptionComboMapping(models.Model):
    """Sex x DCS age band -> a DHIS2 category option combo."""

    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    band = models.CharField(_("age band (DCS)"), max_length=10, choices=DCS_BAND_CHOICES)
    uid = models.CharField(_("category option combo UID"), max_length=11, validators=[validate_uid])
    name = models.CharField(_("name in DHIS2"), max_length=230)
    is_placeholder = models.BooleanField(_("placeholder"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("category option combo mapping")
        verbose_name_plural = _("category option combo mappings")
        ordering = ["sex", "band"]
        constraints = [models.UniqueConstraint(fields=["sex", "band"], name="dhis2_coc_one_per_cell")]

    def __str__(self) -> str:
        return f"{self.name} ({self.uid})"


class OrgUnitMapping(models.Model):
    """A county or sub-county (our Area), or one of our org units -> a DHIS2 organisation unit."""

    area = models.OneToOneField(
        "geo.Area", verbose_name=_("area"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    org_unit = models.OneToOneField(
        "geo.OrgUnit", verbose_name=_("org unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    uid = models.CharField(_("organisation unit UID"), max_length=11, validators=[validate_uid])
    code = models.CharField(_("organisation unit code"), max_length=50, blank=True)
    name = models.CharField(_("name in DHIS2"), max_length=230)
    is_placeholder = models.BooleanField(_("placeholder"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("org unit mapping")
        verbose_name_plural = _("org unit mappings")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, org_unit__isnull=True) | Q(area__isnull=True, org_unit__isnull=False),
                name="dhis2_ou_area_or_org_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code or self.uid})"


class PushLog(BaseModel):
    """One push (or dry run) of a period's data value set: who, what, and what DHIS2 answered.

    Holds counts and a SHA-256 of the payload, never the payload (aggregates carry no personal
    data, but the log need not keep them either).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Success")
        WARNING = "warning", _("Imported with warnings")
        ERROR = "error", _("Refused by DHIS2")
        FAILED = "failed", _("Failed (DHIS2 not reached)")

    FINISHED = frozenset({"success", "warning", "error", "failed"})

    # Empty for a dry run made before any server was configured (a dry run contacts no server).
    server = models.ForeignKey(
        Dhis2Server,
        verbose_name=_("server"),
        on_delete=models.PROTECT,
        related_name="pushes",
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_username = models.CharField(_("by (username)"), max_length=150, blank=True)
    period = models.CharField(_("period"), max_length=12)
    period_dhis2 = models.CharField(_("DHIS2 period"), max_length=12)
    org_units = models.JSONField(_("org units"), default=list)  # [{"key", "label", "uid"}]
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    values_built = models.PositiveIntegerField(_("values built"), default=0)
    values_sent = models.PositiveIntegerField(_("values sent"), default=0)  # 0 unless DHIS2 answered
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    ignored = models.PositiveIntegerField(_("ignored"), default=0)
    deleted = models.PositiveIntegerField(_("deleted"), default=0)
    conflicts = models.JSONField(_("conflicts"), default=list)
    message = models.TextField(_("message"), blank=True)
    payload_sha256 = models.CharField(_("payload SHA-256"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # National only: no area field, so only national grants reach push logs.
    scope_fields = ScopeFields()

    class Meta:
        verbose_name = _("DHIS2 push")
        verbose_name_plural = _("DHIS2 pushes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at"])]

    def __str__(self) -> str:
        return f"{self.period} {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

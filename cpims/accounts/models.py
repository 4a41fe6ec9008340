"""Users, roles (data: sets of permission actions) and assignments (user x role x org unit)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpims.accounts import permissions as P
from cpims.core.models import BaseModel
from cpims.core.scoping import ScopeFields
from cpims.geo.models import OrgUnit


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=[("en", "English"), ("sw", "Kiswahili")], default="en"
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every save except the login timestamp: edit forms carry it to refuse a stale save.
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    # A user is in scope where any of their assignments is.
    scope_fields = ScopeFields(
        org_unit="assignments__org_unit",
        county="assignments__org_unit__county",
        sub_county="assignments__org_unit__sub_county",
        owner="pk",
        multi=True,
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(BaseModel):
    class Scope(models.TextChoices):
        OWN = "own", _("Own records")
        ORG_UNIT = "org_unit", _("Organisation unit")
        AREA = "area", _("Area served by the unit")
        NATIONAL = "national", _("National")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    permissions = models.JSONField(_("permissions"), default=list)
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the page's language: the default roles' names are in the catalogue
        (``roles.py``); a role an administrator named shows as typed."""
        return gettext(self.name)

    def clean(self) -> None:
        bad = P.unknown(self.permissions)
        if bad:
            raise ValidationError({"permissions": _("Unknown permissions: %(p)s") % {"p": ", ".join(sorted(bad))}})

    @property
    def requires_2fa(self) -> bool:
        return self.perms_require_2fa(self.permissions)

    @staticmethod
    def perms_require_2fa(perms: list[str] | set[str] | frozenset[str]) -> bool:
        """A role needs a second factor when it holds anything beyond aggregate-only permissions."""
        return bool(set(perms) - P.AGGREGATE_ONLY)


class Assignment(BaseModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="assignments")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"],
                condition=models.Q(is_active=True),
                name="assignment_active_unique",
            )
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.role} @ {self.org_unit}"


class UserSession(models.Model):
    """The sessions a user holds, so deactivating an account can end them at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of user {self.user_id}"

"""The registry: children and caregivers (Person), identifiers, households, relationships, consent.

Data and invariants only. Every write goes through ``cpims.registry.actions``; every read through
``cpims.registry.queries`` (which starts from the scope rules).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cpims.accounts.scope import Grants
from cpims.accounts.types import AnyUser
from cpims.core.models import BaseModel, Code
from cpims.core.scoping import ScopeFields
from cpims.geo.models import Area, OrgUnit

ADULT_AGE = 18


def age_on(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def registering_unit_q(user: AnyUser, grants: Grants, perm: str) -> Q | None:
    """Extra scope: a unit always reaches the people it registered itself, wherever they live
    (a child from Turkana rescued in Nairobi stays visible to the Nairobi office that registered it).
    Own-scope grants are covered by ``owner``; later apps (referrals, transfers) add their own grants."""
    units = {g.org_unit_id for g in grants.with_perm(perm) if g.scope in ("area", "org_unit")}
    if not units:
        return None
    return Q(registered_by_unit__in=sorted(units))


def person_extra_q(user: AnyUser, grants: Grants, perm: str) -> Q | None:
    """A person is also reachable by the units that registered them, by the units the apps built
    on this one give access record by record (``register_person_access``), and by the users they
    give access one by one (``register_person_user_access``: an emergency access)."""
    units = {g.org_unit_id for g in grants.with_perm(perm) if g.scope in ("area", "org_unit")}
    q: Q | None = None
    if units:
        q = Q(registered_by_unit__in=sorted(units))
        for source in PERSON_ACCESS_SOURCES:
            q |= Q(pk__in=source(sorted(units), perm))
    if grants.with_perm(perm):
        for user_source in PERSON_USER_ACCESS_SOURCES:
            ids = user_source(user, perm)
            if ids is not None:
                q = Q(pk__in=ids) if q is None else q | Q(pk__in=ids)
    return q


# Later apps give units access to people record by record (cases: the units a child's case is
# shared with; care: the institution a child is placed in), without this app importing them:
# ``fn(unit_ids, perm) -> queryset of person ids``, registered in the app's AppConfig.ready().
PERSON_ACCESS_SOURCES: list[Any] = []
# The same for one user: ``fn(user, perm) -> queryset of person ids, or None``.
PERSON_USER_ACCESS_SOURCES: list[Any] = []


def register_person_access(source: Any) -> None:
    if source not in PERSON_ACCESS_SOURCES:
        PERSON_ACCESS_SOURCES.append(source)


def register_person_user_access(source: Any) -> None:
    if source not in PERSON_USER_ACCESS_SOURCES:
        PERSON_USER_ACCESS_SOURCES.append(source)


# Apps that gave access on the strength of a consent end it when the consent is withdrawn:
# ``fn(actor=, consent=, request=) -> list of the names of the units that lost access``, called
# inside the withdrawal's transaction (registered in the app's AppConfig.ready()).
CONSENT_WITHDRAWN_HANDLERS: list[Any] = []


def register_consent_withdrawn(handler: Any) -> None:
    if handler not in CONSENT_WITHDRAWN_HANDLERS:
        CONSENT_WITHDRAWN_HANDLERS.append(handler)


class Counter(models.Model):
    """Race-free sequence for human-readable numbers: the row is locked (SELECT ... FOR UPDATE) by
    the transaction that takes the next value, so two officers saving at once never get the same
    number, and a number is never reused (values only go up; merged records keep theirs)."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


def photo_upload_to(instance: Person, filename: str) -> str:
    # A random name: no personal data and no guessable path. Files live under MEDIA_ROOT, outside
    # static, and are served only by the scoped view registry:photo.
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"registry/photos/{uuid.uuid4().hex}{suffix}"


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(is_active=True)

    def children(self) -> PersonQuerySet:
        return self.filter(kind=Person.Kind.CHILD)

    def with_orphan_flags(self) -> PersonQuerySet:
        """Annotate ``mother_deceased`` and ``father_deceased`` (computed, never typed in)."""
        deceased = Relationship.objects.filter(
            child=OuterRef("pk"), is_active=True, parent_status=Relationship.ParentStatus.DECEASED
        )
        return self.annotate(
            mother_deceased=Exists(deceased.filter(kind=Relationship.Kind.MOTHER)),
            father_deceased=Exists(deceased.filter(kind=Relationship.Kind.FATHER)),
        )

    def orphans(self) -> PersonQuerySet:
        return self.with_orphan_flags().filter(Q(mother_deceased=True) | Q(father_deceased=True))


class Person(BaseModel):
    """A child or a caregiver (parent, guardian, foster parent...)."""

    class Kind(models.TextChoices):
        CHILD = "child", _("Child")
        CAREGIVER = "caregiver", _("Parent or caregiver")

    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")
        INTERSEX = "intersex", _("Intersex")

    class BirthCertificate(models.TextChoices):
        HAS = "has", _("Has a birth certificate")
        NOTIFICATION = "notification", _("Birth notification only")
        APPLIED = "applied", _("Applied for")
        NONE = "none", _("None")
        UNKNOWN = "unknown", _("Not known")

    cpims_number = models.CharField(_("CPIMS number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CHILD)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    other_names = models.CharField(_("other names"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(_("date of birth estimated"), default=False)
    # Residence: the ward; county and sub-county are copied from it by the actions, so scope
    # filters are one indexed equality.
    # (Each area and owner column is indexed by a composite index in Meta, not a single-column one.)
    ward = models.ForeignKey(
        Area,
        verbose_name=_("ward"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    sub_county = models.ForeignKey(
        Area,
        verbose_name=_("sub-county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    county = models.ForeignKey(
        Area,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    village = models.CharField(_("village or estate"), max_length=120, blank=True)
    landmark = models.CharField(_("landmark"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    school_name = models.CharField(_("school"), max_length=200, blank=True)
    school_class = models.ForeignKey(
        Code,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code_list__name": "class_level_id"},
    )
    disability = models.ForeignKey(
        Code,
        verbose_name=_("disability"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code_list__name": "disability_type_id"},
    )
    birth_certificate = models.CharField(
        _("birth certificate"), max_length=14, choices=BirthCertificate.choices, default=BirthCertificate.UNKNOWN
    )
    photo = models.FileField(_("photo"), upload_to=photo_upload_to, blank=True, max_length=200)
    registered_by_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = PersonQuerySet.as_manager()

    scope_fields = ScopeFields(
        org_unit="registered_by_unit",
        county="county",
        sub_county="sub_county",
        owner="created_by",
        extra=person_extra_q,
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["county", "is_active"], name="person_county_active"),
            models.Index(fields=["sub_county", "is_active"], name="person_subcounty_active"),
            models.Index(fields=["ward", "is_active"], name="person_ward_active"),
            models.Index(fields=["registered_by_unit", "is_active"], name="person_unit_active"),
            models.Index(fields=["created_by", "is_active"], name="person_owner_active"),
            models.Index(fields=["date_of_birth"], name="person_dob"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(is_active=False), name="person_merged_is_inactive"
            ),
        ]

    def __str__(self) -> str:
        return self.cpims_number

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name, self.other_names) if p)

    @property
    def name_parts(self) -> tuple[str, str, str, str]:
        return (self.first_name, self.middle_name, self.last_name, self.other_names)

    @property
    def age(self) -> int | None:
        return age_on(self.date_of_birth, timezone.localdate())

    @property
    def is_minor(self) -> bool:
        age = self.age
        return age is not None and age < ADULT_AGE


class NameWord(models.Model):
    """The vocabulary of name tokens (a few hundred thousand words nationally, however many
    people are registered). Fuzzy matching (phonetic key, prefix, and on PostgreSQL pg_trgm
    similarity) runs against this small table; the words found are then looked up in NameToken."""

    word = models.CharField(max_length=40, unique=True)
    phonetic = models.CharField(max_length=10, db_index=True)

    def __str__(self) -> str:
        return self.word


class NameToken(models.Model):
    """One normalised name token of one person (search index, rebuilt by the actions)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "person"], name="name_token_unique")]

    def __str__(self) -> str:
        return self.token


class Identifier(models.Model):
    """A document number (birth certificate, national ID, passport...), unique per type."""

    # The person identifier types of the DCS list identifier_type_id offered for people.
    PERSON_TYPES = ("ISOV", "INTL", "IPPN", "ISCG", "IPCS")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    id_type = models.ForeignKey(
        Code,
        verbose_name=_("identifier type"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__name": "identifier_type_id"},
    )
    value = models.CharField(_("number"), max_length=60)
    # Upper case letters and digits only, so "12 345-678" and "12345678" are the same number.
    value_normalised = models.CharField(max_length=60, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["id_type__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_type", "value_normalised"], name="identifier_unique_per_type")
        ]
        indexes = [models.Index(fields=["value_normalised"], name="identifier_value")]

    def __str__(self) -> str:
        return f"{self.id_type}: {self.value}"


class Household(BaseModel):
    head = models.ForeignKey(
        Person, verbose_name=_("head of household"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ward = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sub_county = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    county = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    village = models.CharField(_("village or estate"), max_length=120, blank=True)
    registered_by_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope_fields = ScopeFields(
        org_unit="registered_by_unit",
        county="county",
        sub_county="sub_county",
        owner="created_by",
        extra=registering_unit_q,
    )

    class Meta:
        indexes = [
            models.Index(fields=["county"], name="household_county"),
            models.Index(fields=["sub_county"], name="household_subcounty"),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    def current_members(self) -> list[HouseholdMember]:
        """Active members (uses the prefetched ``members`` when present)."""
        return [m for m in self.members.all() if m.is_active]

    @property
    def is_child_headed(self) -> bool:
        """Headed by a child, or with no adult member at all."""
        if self.head_id is not None and self.head is not None and self.head.is_minor:
            return True
        members = self.current_members()
        return bool(members) and all(m.person.is_minor for m in members)


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_memberships")
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"], condition=Q(is_active=True), name="household_member_active_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.household_id}"


class Relationship(BaseModel):
    """How a relative stands to a child. ``relative`` may be empty for a parent who is only known
    to be dead or absent. Sibling relationships are stored once per pair."""

    class Kind(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GUARDIAN = "guardian", _("Guardian")
        CAREGIVER = "caregiver", _("Caregiver")
        FOSTER_PARENT = "foster_parent", _("Foster parent")
        SIBLING = "sibling", _("Sibling")

    class ParentStatus(models.TextChoices):
        ALIVE = "alive", _("Alive")
        DECEASED = "deceased", _("Deceased")
        UNKNOWN = "unknown", _("Not known")

    PARENT_KINDS = frozenset({Kind.MOTHER, Kind.FATHER})
    CAREGIVER_KINDS = frozenset({Kind.MOTHER, Kind.FATHER, Kind.GUARDIAN, Kind.CAREGIVER, Kind.FOSTER_PARENT})

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="relationships_as_relative"
    )
    kind = models.CharField(_("relationship"), max_length=14, choices=Kind.choices)
    parent_status = models.CharField(
        _("alive or deceased"), max_length=10, choices=ParentStatus.choices, default=ParentStatus.ALIVE
    )
    lives_with_child = models.BooleanField(_("lives with the child"), default=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind"],
                condition=Q(is_active=True, kind__in=["mother", "father"]),
                name="relationship_one_mother_one_father",
            ),
            models.UniqueConstraint(
                fields=["child", "relative", "kind"],
                condition=Q(is_active=True),
                name="relationship_unique_active",
            ),
            models.CheckConstraint(condition=~Q(child=models.F("relative")), name="relationship_not_self"),
        ]
        indexes = [models.Index(fields=["relative", "kind"], name="relationship_relative")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.child_id}<-{self.relative_id}"

    @property
    def is_deceased_parent(self) -> bool:
        return self.kind in self.PARENT_KINDS and self.parent_status == self.ParentStatus.DECEASED


class Consent(BaseModel):
    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        DATA_SHARING = "data_sharing", _("Sharing data with a named organisation")
        PHOTO = "photo", _("Taking and keeping a photo")

    class GivenBy(models.TextChoices):
        GUARDIAN = "guardian", _("Parent or guardian")
        CHILD_ASSENT = "child_assent", _("Child's assent")
        SELF = "self", _("The person (adult)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=14, choices=Purpose.choices)
    shared_with = models.ForeignKey(
        OrgUnit,
        verbose_name=_("shared with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    given_by = models.CharField(_("given by"), max_length=14, choices=GivenBy.choices)
    given_by_person = models.ForeignKey(
        Person, verbose_name=_("guardian"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    given_on = models.DateField(_("date given"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    withdrawn_on = models.DateField(_("date withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Not stored: the units whose access ended with the withdrawal (set by consent_withdraw).
    ended_access: list[str]

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["person", "purpose"], name="consent_person_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose="data_sharing") | Q(shared_with__isnull=False),
                name="consent_sharing_names_org_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.person_id}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_on is None


class PersonMerge(models.Model):
    """A merge of a duplicate record into a survivor: who, when, why, and what moved."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_received")
    merged = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="merge")
    merged_number = models.CharField(max_length=20, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    moved = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_number} -> {self.survivor_id}"


class IdentifierVerification(BaseModel):
    """What a national population register (IPRS) answered about one identifier number, kept as it
    came and beside our record: never copied over it. A mismatch is shown side by side; the officer
    corrects the record, if at all, through the normal audited edit."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        MISMATCH = "mismatch", _("Does not match")
        NOT_FOUND = "not_found", _("Not found")

    identifier = models.ForeignKey(Identifier, on_delete=models.CASCADE, related_name="verifications")
    status = models.CharField(_("result"), max_length=10, choices=Status.choices)
    source = models.CharField(_("checked against"), max_length=20, default="iprs")
    # What the register holds (empty when the number was not found).
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # [{"field": "last_name", "ours": "...", "theirs": "..."}]: our value at the time of the check.
    differences = models.JSONField(default=list, blank=True)
    reference = models.CharField(_("register reference"), max_length=100, blank=True)
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-verified_at", "-id"]
        verbose_name = _("identifier verification")
        verbose_name_plural = _("identifier verifications")
        indexes = [models.Index(fields=["identifier", "-verified_at"], name="idverif_identifier_latest")]

    def __str__(self) -> str:
        return f"{self.identifier_id}:{self.status}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)

    @property
    def difference_rows(self) -> list[dict[str, Any]]:
        """``differences`` for display: the dates of birth as dates (None when not known)."""
        rows = []
        for diff in self.differences:
            row = dict(diff)
            if row.get("field") == "date_of_birth":
                for key in ("ours", "theirs"):
                    try:
                        row[key] = dt.date.fromisoformat(str(row.get(key) or ""))
                    except ValueError:
                        row[key] = None
            rows.append(row)
        return rows

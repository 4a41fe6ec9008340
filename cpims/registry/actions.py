"""Every write to the registry. Keyword-only, typed, one transaction each, validated before anything
is written, audited in the same transaction.

Validation problems raise ``django.core.exceptions.ValidationError`` with translatable messages,
keyed by field where a field is at fault, and nothing is written. Callers (views, API) fetch the
objects they pass in through the scope rules (``cpims.registry.queries``) with the right write
permission; the actions check the permission again where a mistake would be costly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.audit.actions import audit_record
from cpims.core.models import Code
from cpims.geo.models import Area, OrgUnit
from cpims.registry import names
from cpims.registry.models import (
    ADULT_AGE,
    Consent,
    Household,
    HouseholdMember,
    Identifier,
    NameToken,
    NameWord,
    Person,
    PersonMerge,
    Relationship,
    age_on,
)
from cpims.registry.numbers import next_number

IDENTIFIER_LIST = "identifier_type_id"
OLDEST_BIRTH_YEAR = 1900

# Fields of PersonInput copied onto Person as they are.
_PLAIN_FIELDS = (
    "kind",
    "first_name",
    "middle_name",
    "last_name",
    "other_names",
    "sex",
    "village",
    "landmark",
    "phone",
    "school_name",
    "school_class",
    "disability",
    "birth_certificate",
)


@dataclass
class PersonInput:
    """What a form or the API gives for one person."""

    first_name: str
    last_name: str
    sex: str
    kind: str = Person.Kind.CHILD
    middle_name: str = ""
    other_names: str = ""
    date_of_birth: dt.date | None = None
    date_of_birth_estimated: bool = False
    age_years: int | None = None  # "age about N": gives an estimated date of birth
    ward: Area | None = None
    village: str = ""
    landmark: str = ""
    phone: str = ""
    school_name: str = ""
    school_class: Code | None = None
    disability: Code | None = None
    birth_certificate: str = Person.BirthCertificate.UNKNOWN
    identifiers: list[tuple[Code, str]] = field(default_factory=list)

    def resolved_date_of_birth(self, today: dt.date | None = None) -> tuple[dt.date | None, bool]:
        """(date of birth, estimated?) from an exact date or from "age about N"."""
        if self.date_of_birth is not None:
            return self.date_of_birth, self.date_of_birth_estimated
        if self.age_years is not None:
            return estimated_birth_date(self.age_years, today), True
        return None, False

    @classmethod
    def from_person(cls, person: Person) -> PersonInput:
        data = {name: getattr(person, name) for name in _PLAIN_FIELDS}
        return cls(
            **data,
            date_of_birth=person.date_of_birth,
            date_of_birth_estimated=person.date_of_birth_estimated,
            ward=person.ward,
        )


@dataclass
class RelativeInput:
    """A caregiver or sibling given with a registration: a new person, an existing one, or (for a
    parent who is only known to be dead or absent) nobody."""

    kind: str
    person: PersonInput | None = None
    existing: Person | None = None
    parent_status: str = Relationship.ParentStatus.ALIVE
    lives_with_child: bool = True
    is_household_head: bool = False


def estimated_birth_date(age_years: int, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    year = today.year - age_years
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return today.replace(year=year, day=28)


def normalise_identifier(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


# --- Validation -------------------------------------------------------------------------------


def validate_person(
    data: PersonInput, *, instance: Person | None = None, today: dt.date | None = None
) -> dict[str, list[str]]:
    """Problems with one person's data, by field (empty when all is well). Reads, never writes."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not names.normalise(data.first_name):
        add("first_name", _("Enter the first name."))
    if not names.normalise(data.last_name):
        add("last_name", _("Enter the last name (family name)."))
    if data.sex not in Person.Sex.values:
        add("sex", _("Choose male, female or intersex."))
    if data.kind not in Person.Kind.values:
        add("kind", _("Choose child or caregiver."))
    if data.birth_certificate not in Person.BirthCertificate.values:
        add("birth_certificate", _("Choose a birth certificate status from the list."))
    if data.date_of_birth is not None:
        if data.date_of_birth > today:
            add("date_of_birth", _("The date of birth cannot be in the future."))
        elif data.date_of_birth.year < OLDEST_BIRTH_YEAR:
            add("date_of_birth", _("The date of birth is too long ago; check the year."))
    elif data.age_years is not None and not 0 <= data.age_years <= 120:
        add("age_years", _("Enter an age between 0 and 120 years."))
    born, _estimated = data.resolved_date_of_birth(today)
    if data.kind == Person.Kind.CHILD:
        if born is None and "date_of_birth" not in errors and "age_years" not in errors:
            add("date_of_birth", _("Enter the date of birth, or the child's approximate age."))
        elif born is not None and born <= today and (age_on(born, today) or 0) >= ADULT_AGE:
            add("date_of_birth", _("A child must be under 18. Register adults as caregivers."))
        if data.ward is None:
            add("ward", _("Choose the ward where the child lives."))
    if data.ward is not None and (data.ward.level != Area.Level.WARD or data.ward.pk is None):
        add("ward", _("Unknown ward: choose a ward from the list."))
    if data.school_class is not None and data.school_class.code_list.name != "class_level_id":
        add("school_class", _("Choose a class from the list."))
    if data.disability is not None and data.disability.code_list.name != "disability_type_id":
        add("disability", _("Choose a disability from the list."))
    for message in _identifier_problems(data.identifiers, exclude_person=instance):
        add("identifiers", message)
    return errors


def _identifier_problems(items: Sequence[tuple[Code, str]], *, exclude_person: Person | None = None) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[int, str]] = set()
    wanted: list[tuple[Code, str]] = []
    for id_type, value in items:
        norm = normalise_identifier(value)
        if id_type.code_list.name != IDENTIFIER_LIST:
            problems.append(_("Choose an identifier type from the list."))
            continue
        if not norm:
            problems.append(_("Enter the %(type)s number.") % {"type": id_type.label})
            continue
        if (id_type.pk, norm) in seen:
            problems.append(
                _("The %(type)s number %(value)s is entered twice.") % {"type": id_type.label, "value": value}
            )
            continue
        seen.add((id_type.pk, norm))
        wanted.append((id_type, norm))
    if wanted:
        query = models.Q()
        for id_type, norm in wanted:
            query |= models.Q(id_type=id_type, value_normalised=norm)
        taken = Identifier.objects.filter(query)
        if exclude_person is not None:
            taken = taken.exclude(person=exclude_person)
        for id_type_id, norm in taken.values_list("id_type_id", "value_normalised"):
            label = next(t.label for t, n in wanted if t.pk == id_type_id and n == norm)
            problems.append(
                _(
                    "This %(type)s number is already registered to another person. "
                    "Search for it before registering again."
                )
                % {"type": label}
            )
    return problems


def validate_relative(rel: RelativeInput, today: dt.date | None = None) -> dict[str, list[str]]:
    """Problems with one caregiver or sibling, by field."""
    problems: dict[str, list[str]] = {}
    if rel.kind not in Relationship.Kind.values:
        problems["kind"] = [_("Choose the relationship from the list.")]
    if rel.parent_status not in Relationship.ParentStatus.values:
        problems["parent_status"] = [_("Choose alive, deceased or not known.")]
    elif rel.parent_status != Relationship.ParentStatus.ALIVE and rel.kind not in Relationship.PARENT_KINDS:
        problems["parent_status"] = [_("Only a mother or father can be recorded as deceased or not known.")]
    if rel.person is not None:
        rel.person.kind = Person.Kind.CHILD if rel.kind == Relationship.Kind.SIBLING else Person.Kind.CAREGIVER
        for name, messages in validate_person(rel.person, today=today).items():
            problems.setdefault(name, []).extend(messages)
    elif rel.existing is None and rel.kind not in Relationship.PARENT_KINDS:
        problems.setdefault("first_name", []).append(_("Enter the name of this person."))
    if rel.is_household_head and rel.parent_status == Relationship.ParentStatus.DECEASED:
        problems.setdefault("is_household_head", []).append(_("A deceased parent cannot head the household."))
    return problems


def validate_registration(
    child: PersonInput, relatives: Sequence[RelativeInput], today: dt.date | None = None
) -> dict[str, Any]:
    """Problems with a whole registration: {"child": {...}, "relatives": {index: {...}}, "__all__": [...]}."""
    errors: dict[str, Any] = {}
    child_errors = validate_person(child, today=today)
    if child_errors:
        errors["child"] = child_errors
    relative_errors: dict[int, dict[str, list[str]]] = {}
    parents: set[str] = set()
    all_identifiers: list[tuple[Code, str]] = list(child.identifiers)
    for index, rel in enumerate(relatives):
        problems = validate_relative(rel, today)
        if rel.kind in Relationship.PARENT_KINDS:
            if rel.kind in parents:
                problems.setdefault("kind", []).append(_("A child has one mother and one father."))
            parents.add(rel.kind)
        if rel.person is not None:
            all_identifiers.extend(rel.person.identifiers)
        if problems:
            relative_errors[index] = problems
    if relative_errors:
        errors["relatives"] = relative_errors
    if sum(1 for r in relatives if r.is_household_head) > 1:
        errors.setdefault("__all__", []).append(_("Choose one head of household."))
    # The same number given for two people of the same registration.
    seen: set[tuple[int, str]] = set()
    for id_type, value in all_identifiers:
        key = (id_type.pk, normalise_identifier(value))
        if key in seen and key[1]:
            errors.setdefault("__all__", []).append(
                _("The %(type)s number %(value)s is given for two people.") % {"type": id_type.label, "value": value}
            )
        seen.add(key)
    return errors


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(_flatten(errors))


def _flatten(errors: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """Nested problems as {"relatives.0.first_name": [...]} for ValidationError."""
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name.replace(".__all__", "") if name != "__all__" else "__all__"] = list(value)
    return flat


STALE_MESSAGE = "stale"


def _check_fresh(instance: models.Model, expected_updated_at: dt.datetime | None) -> None:
    """Refuse an edit made on a copy of the record older than the stored one."""
    if expected_updated_at is None:
        return
    current = (
        type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("updated_at", flat=True)
    )
    stored = current.first()
    if stored is None or stored != expected_updated_at:
        raise ValidationError(
            _(
                "Someone else changed this record after you opened it. Reload the page, check their "
                "changes and enter yours again."
            ),
            code=STALE_MESSAGE,
        )


# --- Writing people ---------------------------------------------------------------------------


def registering_units(actor: Any) -> list[int]:
    """The org units at which ``actor`` may register people."""
    return sorted({g.org_unit_id for g in scope.grants_for(actor).with_perm(P.CHILD_CREATE)})


def _check_can_register(actor: Any, org_unit: OrgUnit) -> None:
    if org_unit.pk not in registering_units(actor):
        raise PermissionDenied


def index_names(people: Iterable[Person]) -> None:
    """(Re)build the search tokens of ``people`` and add new words to the vocabulary."""
    people = list(people)
    if not people:
        return
    NameToken.objects.filter(person__in=people).delete()
    rows: list[NameToken] = []
    words: set[str] = set()
    for person in people:
        if not person.is_active:
            continue
        for token in names.tokens(*person.name_parts):
            rows.append(NameToken(person=person, token=token))
            words.add(token)
    NameToken.objects.bulk_create(rows)
    NameWord.objects.bulk_create(
        [NameWord(word=w, phonetic=names.phonetic(w)) for w in sorted(words)], ignore_conflicts=True
    )


def _apply(person: Person, data: PersonInput, today: dt.date) -> None:
    for name in _PLAIN_FIELDS:
        value = getattr(data, name)
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.date_of_birth, person.date_of_birth_estimated = data.resolved_date_of_birth(today)
    person.ward = data.ward
    person.sub_county_id = data.ward.sub_county_id if data.ward else None
    person.county_id = data.ward.county_id if data.ward else None


def _new_person(*, actor: Any, org_unit: OrgUnit, data: PersonInput, today: dt.date) -> Person:
    person = Person(cpims_number=next_number(), registered_by_unit=org_unit, created_by=actor)
    _apply(person, data, today)
    person.save()
    if data.identifiers:
        Identifier.objects.bulk_create(
            [
                Identifier(
                    person=person,
                    id_type=id_type,
                    value=value.strip(),
                    value_normalised=normalise_identifier(value),
                    created_by=actor,
                )
                for id_type, value in data.identifiers
            ]
        )
    return person


def _duplicate_identifier_error() -> ValidationError:
    return ValidationError(
        {"identifiers": [_("One of these identifier numbers was registered by someone else a moment ago.")]}
    )


def person_create(
    *,
    actor: Any,
    org_unit: OrgUnit,
    data: PersonInput,
    request: HttpRequest | None = None,
    via: str = "web",
) -> Person:
    """Register one person (child or caregiver) on their own."""
    _check_can_register(actor, org_unit)
    today = timezone.localdate()
    _raise(validate_person(data, today=today))
    try:
        with transaction.atomic():
            person = _new_person(actor=actor, org_unit=org_unit, data=data, today=today)
            index_names([person])
            audit_record(
                actor=actor,
                action="person.create",
                obj=person,
                object_label=person.cpims_number,
                request=request,
                details={"kind": person.kind, "via": via, "org_unit": str(org_unit.public_id)},
            )
    except IntegrityError as exc:
        raise _duplicate_identifier_error() from exc
    return person


@dataclass
class Registration:
    child: Person
    household: Household
    relatives: list[Person]
    relationships: list[Relationship]
    member_count: int = 0


def child_register(
    *,
    actor: Any,
    org_unit: OrgUnit,
    child: PersonInput,
    relatives: Sequence[RelativeInput] = (),
    child_heads_household: bool = False,
    consent_given_by: str | None = None,
    consent_date: dt.date | None = None,
    request: HttpRequest | None = None,
    via: str = "web",
) -> Registration:
    """Register a child with caregivers and siblings, in one household, in one transaction.

    Caregivers who live with the child and siblings join the child's household; siblings get the
    child's caregivers too. Caregivers and siblings without a ward live in the child's ward.
    """
    _check_can_register(actor, org_unit)
    today = timezone.localdate()
    child.kind = Person.Kind.CHILD
    for rel in relatives:
        if rel.person is not None:
            rel.person.kind = Person.Kind.CHILD if rel.kind == Relationship.Kind.SIBLING else Person.Kind.CAREGIVER
            if rel.person.ward is None:
                rel.person.ward = child.ward
                rel.person.village = rel.person.village or child.village
    errors = validate_registration(child, relatives, today)
    if consent_given_by and consent_given_by not in Consent.GivenBy.values:
        errors.setdefault("__all__", []).append(_("Choose who gave consent."))
    if consent_date and consent_date > today:
        errors.setdefault("__all__", []).append(_("The consent date cannot be in the future."))
    if child_heads_household and any(r.is_household_head for r in relatives):
        errors.setdefault("__all__", []).append(_("Choose one head of household."))
    _raise(errors)
    try:
        with transaction.atomic():
            registration = _register(
                actor=actor,
                org_unit=org_unit,
                child=child,
                relatives=relatives,
                child_heads_household=child_heads_household,
                today=today,
            )
            if consent_given_by:
                guardian = next(
                    (
                        person
                        for person, rel in zip(registration.relatives, relatives, strict=True)
                        if rel.kind in Relationship.CAREGIVER_KINDS
                        and rel.parent_status == Relationship.ParentStatus.ALIVE
                    ),
                    None,
                )
                for person in [registration.child, *[p for p in registration.relatives if p.kind == "child"]]:
                    consent = Consent.objects.create(
                        person=person,
                        purpose=Consent.Purpose.REGISTRATION,
                        given_by=consent_given_by,
                        given_by_person=guardian if consent_given_by == Consent.GivenBy.GUARDIAN else None,
                        given_on=consent_date or today,
                        recorded_by=actor,
                    )
                    _audit_consent(actor, "consent.give", consent, request)
            people = [registration.child, *registration.relatives]
            for person in people:
                audit_record(
                    actor=actor,
                    action="person.create",
                    obj=person,
                    object_label=person.cpims_number,
                    request=request,
                    details={
                        "kind": person.kind,
                        "via": via,
                        "org_unit": str(org_unit.public_id),
                        "registration_of": str(registration.child.public_id),
                    },
                )
            audit_record(
                actor=actor,
                action="household.create",
                obj=registration.household,
                request=request,
                details={"members": registration.member_count, "via": via},
            )
    except IntegrityError as exc:
        raise _duplicate_identifier_error() from exc
    return registration


def _register(
    *,
    actor: Any,
    org_unit: OrgUnit,
    child: PersonInput,
    relatives: Sequence[RelativeInput],
    child_heads_household: bool,
    today: dt.date,
) -> Registration:
    main = _new_person(actor=actor, org_unit=org_unit, data=child, today=today)
    people: list[Person | None] = []
    for rel in relatives:
        if rel.existing is not None:
            people.append(rel.existing)
        elif rel.person is not None:
            people.append(_new_person(actor=actor, org_unit=org_unit, data=rel.person, today=today))
        else:
            people.append(None)
    siblings = [p for p, r in zip(people, relatives, strict=True) if p and r.kind == Relationship.Kind.SIBLING]
    carers = [(p, r) for p, r in zip(people, relatives, strict=True) if r.kind != Relationship.Kind.SIBLING]
    relationships: list[Relationship] = []
    for kid in [main, *siblings]:
        for person, rel in carers:
            relationships.append(
                Relationship(
                    child=kid,
                    relative=person,
                    kind=rel.kind,
                    parent_status=rel.parent_status,
                    lives_with_child=rel.lives_with_child and rel.parent_status != Relationship.ParentStatus.DECEASED,
                    created_by=actor,
                )
            )
    brood = [main, *siblings]
    for i, older in enumerate(brood):
        for younger in brood[i + 1 :]:
            relationships.append(
                Relationship(child=older, relative=younger, kind=Relationship.Kind.SIBLING, created_by=actor)
            )
    Relationship.objects.bulk_create(relationships)

    head: Person | None = None
    if child_heads_household:
        head = main
    else:
        head = next((p for p, r in carers if p is not None and r.is_household_head), None)
        if head is None:
            head = next(
                (
                    p
                    for p, r in carers
                    if p is not None and r.lives_with_child and r.parent_status == Relationship.ParentStatus.ALIVE
                ),
                None,
            )
    household = Household.objects.create(
        head=head,
        ward=main.ward,
        sub_county_id=main.sub_county_id,
        county_id=main.county_id,
        village=main.village,
        registered_by_unit=org_unit,
        created_by=actor,
    )
    members = [main, *siblings]
    members += [
        p
        for p, r in carers
        if p is not None and r.lives_with_child and r.parent_status != Relationship.ParentStatus.DECEASED
    ]
    # An existing person who already belongs to another household moves into this one.
    moved = [m for m in members if m.pk is not None]
    HouseholdMember.objects.filter(person__in=moved, is_active=True).update(is_active=False, left_on=today)
    HouseholdMember.objects.bulk_create(
        [HouseholdMember(household=household, person=m, joined_on=today) for m in _unique(members)]
    )
    new_people = [p for p, r in zip(people, relatives, strict=True) if p is not None and r.existing is None]
    index_names([main, *new_people])
    return Registration(
        child=main,
        household=household,
        relatives=[p for p in people if p is not None],
        relationships=relationships,
        member_count=len(_unique(members)),
    )


def _unique(people: Iterable[Person]) -> list[Person]:
    out: list[Person] = []
    seen: set[int] = set()
    for person in people:
        if person.pk not in seen:
            seen.add(person.pk)
            out.append(person)
    return out


def person_update(
    *,
    actor: Any,
    person: Person,
    data: PersonInput,
    expected_updated_at: dt.datetime | None,
    request: HttpRequest | None = None,
    via: str = "web",
) -> Person:
    """Change a person's details. Refused if the record changed since ``expected_updated_at``."""
    if not person.is_active:
        raise ValidationError(_("This record was merged into another one and can no longer be changed."))
    today = timezone.localdate()
    data.kind = person.kind
    data.identifiers = []  # identifiers are added one by one (identifier_add)
    _raise(validate_person(data, instance=person, today=today))
    with transaction.atomic():
        _check_fresh(person, expected_updated_at)
        before = {name: getattr(person, name) for name in (*_PLAIN_FIELDS, "date_of_birth", "ward_id")}
        before["date_of_birth_estimated"] = person.date_of_birth_estimated
        _apply(person, data, today)
        changed = sorted(name for name, old in before.items() if getattr(person, name) != old)
        person.save()
        if {"first_name", "middle_name", "last_name", "other_names"} & set(changed):
            index_names([person])
        audit_record(
            actor=actor,
            action="person.update",
            obj=person,
            object_label=person.cpims_number,
            request=request,
            details={"fields": changed, "via": via},
        )
    return person


def identifier_add(
    *, actor: Any, person: Person, id_type: Code, value: str, request: HttpRequest | None = None
) -> Identifier:
    problems = _identifier_problems([(id_type, value)])
    if problems:
        raise ValidationError({"value": problems})
    try:
        with transaction.atomic():
            identifier = Identifier.objects.create(
                person=person,
                id_type=id_type,
                value=value.strip(),
                value_normalised=normalise_identifier(value),
                created_by=actor,
            )
            Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())
            audit_record(
                actor=actor,
                action="identifier.add",
                obj=person,
                object_label=person.cpims_number,
                request=request,
                details={"type": id_type.code},
            )
    except IntegrityError as exc:
        raise ValidationError({"value": [_("This number was registered by someone else a moment ago.")]}) from exc
    return identifier


def relative_add(
    *,
    actor: Any,
    child: Person,
    relative: RelativeInput,
    org_unit: OrgUnit | None = None,
    request: HttpRequest | None = None,
) -> Relationship:
    """Add a caregiver or sibling (new or already registered) to a child; one who lives with the
    child joins the child's household."""
    if child.kind != Person.Kind.CHILD:
        raise ValidationError(_("Caregivers and siblings are added to a child's record."))
    today = timezone.localdate()
    if relative.person is not None and relative.person.ward is None:
        relative.person.ward = child.ward
        relative.person.village = relative.person.village or child.village
    problems = validate_relative(relative, today)
    if relative.existing is not None and relative.existing.pk == child.pk:
        problems.setdefault("existing", []).append(_("A child cannot be their own relative."))
    if (
        relative.kind in Relationship.PARENT_KINDS
        and Relationship.objects.filter(child=child, kind=relative.kind, is_active=True).exists()
    ):
        problems.setdefault("kind", []).append(
            _("This child already has a %(kind)s recorded. Change that entry instead.")
            % {"kind": Relationship.Kind(relative.kind).label.lower()}
        )
    _raise(problems)
    unit = org_unit or child.registered_by_unit
    if relative.person is not None:
        _check_can_register(actor, unit)
    try:
        with transaction.atomic():
            if relative.existing is not None:
                person = relative.existing
            elif relative.person is not None:
                person = _new_person(actor=actor, org_unit=unit, data=relative.person, today=today)
                index_names([person])
                audit_record(
                    actor=actor,
                    action="person.create",
                    obj=person,
                    object_label=person.cpims_number,
                    request=request,
                    details={"kind": person.kind, "relative_of": str(child.public_id)},
                )
            else:
                person = None
            relationship = Relationship.objects.create(
                child=child,
                relative=person,
                kind=relative.kind,
                parent_status=relative.parent_status,
                lives_with_child=relative.lives_with_child
                and relative.parent_status != Relationship.ParentStatus.DECEASED,
                created_by=actor,
            )
            if person is not None and relationship.lives_with_child:
                _join_childs_household(actor=actor, child=child, person=person, today=today, request=request)
            Person.objects.filter(pk=child.pk).update(updated_at=timezone.now())
            audit_record(
                actor=actor,
                action="relationship.add",
                obj=child,
                object_label=child.cpims_number,
                request=request,
                details={"kind": relationship.kind, "parent_status": relationship.parent_status},
            )
    except IntegrityError as exc:
        raise ValidationError(_("This relationship is already recorded.")) from exc
    return relationship


def _join_childs_household(
    *, actor: Any, child: Person, person: Person, today: dt.date, request: HttpRequest | None
) -> None:
    """``person`` lives with ``child``: into the child's household (created if the child has none)."""
    membership = HouseholdMember.objects.filter(person=child, is_active=True).select_related("household").first()
    if membership is None:
        household = Household.objects.create(
            ward=child.ward,
            sub_county_id=child.sub_county_id,
            county_id=child.county_id,
            village=child.village,
            registered_by_unit=child.registered_by_unit,
            created_by=actor,
        )
        HouseholdMember.objects.create(household=household, person=child, joined_on=today)
        audit_record(actor=actor, action="household.create", obj=household, request=request, details={"members": 1})
    else:
        household = membership.household
        if HouseholdMember.objects.filter(household=household, person=person, is_active=True).exists():
            return
    HouseholdMember.objects.filter(person=person, is_active=True).update(is_active=False, left_on=today)
    HouseholdMember.objects.create(household=household, person=person, joined_on=today)
    if person.kind == Person.Kind.CAREGIVER and household.head_id is None:
        household.head = person
        household.save(update_fields=["head", "updated_at"])
    audit_record(
        actor=actor,
        action="household.member_add",
        obj=household,
        request=request,
        details={"person": str(person.public_id)},
    )


def relationship_update(
    *,
    actor: Any,
    relationship: Relationship,
    parent_status: str,
    lives_with_child: bool,
    is_active: bool = True,
    request: HttpRequest | None = None,
) -> Relationship:
    """Record that a parent died, moved out, or that a relationship ended."""
    if parent_status not in Relationship.ParentStatus.values:
        raise ValidationError({"parent_status": [_("Choose alive, deceased or not known.")]})
    if parent_status != Relationship.ParentStatus.ALIVE and relationship.kind not in Relationship.PARENT_KINDS:
        raise ValidationError(
            {"parent_status": [_("Only a mother or father can be recorded as deceased or not known.")]}
        )
    with transaction.atomic():
        before = (relationship.parent_status, relationship.lives_with_child, relationship.is_active)
        relationship.parent_status = parent_status
        relationship.lives_with_child = lives_with_child and parent_status != Relationship.ParentStatus.DECEASED
        relationship.is_active = is_active
        relationship.save()
        if relationship.relative_id and not relationship.lives_with_child:
            households = HouseholdMember.objects.filter(person_id=relationship.child_id, is_active=True).values(
                "household_id"
            )
            HouseholdMember.objects.filter(
                person_id=relationship.relative_id, household_id__in=households, is_active=True
            ).update(is_active=False, left_on=timezone.localdate())
            Household.objects.filter(pk__in=households, head_id=relationship.relative_id).update(head=None)
        Person.objects.filter(pk=relationship.child_id).update(updated_at=timezone.now())
        audit_record(
            actor=actor,
            action="relationship.update",
            obj=relationship.child,
            object_label=relationship.child.cpims_number,
            request=request,
            details={
                "kind": relationship.kind,
                "before": list(before),
                "after": [relationship.parent_status, relationship.lives_with_child, relationship.is_active],
            },
        )
    return relationship


# --- Consent ----------------------------------------------------------------------------------


def _audit_consent(actor: Any, action: str, consent: Consent, request: HttpRequest | None) -> None:
    details: dict[str, Any] = {
        "purpose": consent.purpose,
        "given_by": consent.given_by,
        "consent": str(consent.public_id),
    }
    if consent.shared_with_id:
        details["shared_with"] = str(consent.shared_with.public_id)
    audit_record(
        actor=actor,
        action=action,
        obj=consent.person,
        object_label=consent.person.cpims_number,
        request=request,
        details=details,
    )


def consent_give(
    *,
    actor: Any,
    person: Person,
    purpose: str,
    given_by: str,
    given_on: dt.date,
    shared_with: OrgUnit | None = None,
    given_by_person: Person | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    errors: dict[str, list[str]] = {}
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = [_("Choose what the consent is for.")]
    if given_by not in Consent.GivenBy.values:
        errors["given_by"] = [_("Choose who gave consent.")]
    elif given_by == Consent.GivenBy.CHILD_ASSENT and person.kind != Person.Kind.CHILD:
        errors["given_by"] = [_("Only a child gives assent; an adult consents for themselves.")]
    elif given_by == Consent.GivenBy.SELF and person.is_minor:
        errors["given_by"] = [_("A child cannot consent alone: record the guardian's consent or the child's assent.")]
    if given_on > timezone.localdate():
        errors["given_on"] = [_("The consent date cannot be in the future.")]
    if purpose == Consent.Purpose.DATA_SHARING and shared_with is None:
        errors["shared_with"] = [_("Name the organisation the data will be shared with.")]
    if purpose != Consent.Purpose.DATA_SHARING:
        shared_with = None
    _raise(errors)
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person,
            purpose=purpose,
            given_by=given_by,
            given_by_person=given_by_person,
            given_on=given_on,
            shared_with=shared_with,
            note=note.strip(),
            recorded_by=actor,
        )
        _audit_consent(actor, "consent.give", consent, request)
    return consent


def consent_withdraw(
    *,
    actor: Any,
    consent: Consent,
    withdrawn_on: dt.date,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    """Withdraw a consent. Withdrawing photo consent removes the photo (the file is deleted once
    the transaction has committed)."""
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": [_("The date cannot be in the future.")]})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": [_("Consent cannot be withdrawn before it was given.")]})
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.withdrawn_by = actor
        consent.withdrawal_reason = reason.strip()
        consent.save()
        person = consent.person
        if consent.purpose == Consent.Purpose.PHOTO and person.photo and not _has_current_consent(person, "photo"):
            _remove_photo(person)
        _audit_consent(actor, "consent.withdraw", consent, request)
    return consent


def _has_current_consent(person: Person, purpose: str) -> bool:
    return Consent.objects.filter(person=person, purpose=purpose, withdrawn_on__isnull=True).exists()


def _remove_photo(person: Person) -> None:
    storage, name = person.photo.storage, person.photo.name
    person.photo = ""
    person.save(update_fields=["photo", "updated_at"])
    transaction.on_commit(lambda: storage.delete(name))


PHOTO_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
PHOTO_MAX_BYTES = 2 * 1024 * 1024


def photo_set(*, actor: Any, person: Person, photo: UploadedFile, request: HttpRequest | None = None) -> Person:
    """Store a photo (JPEG or PNG, at most 2 MB). Needs a current photo consent."""
    if not _has_current_consent(person, Consent.Purpose.PHOTO):
        raise ValidationError({"photo": [_("Record the consent for a photo first.")]})
    if photo.size is None or photo.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": [_("The photo is too large: at most 2 MB.")]})
    head = photo.read(8)
    photo.seek(0)
    suffix = next((s for magic, s in PHOTO_TYPES.items() if head.startswith(magic)), None)
    if suffix is None:
        raise ValidationError({"photo": [_("Upload a JPEG or PNG photo.")]})
    with transaction.atomic():
        old_storage, old_name = (person.photo.storage, person.photo.name) if person.photo else (None, "")
        person.photo.save(f"photo{suffix}", photo, save=False)
        person.save(update_fields=["photo", "updated_at"])
        if old_storage is not None and old_name:
            transaction.on_commit(lambda: old_storage.delete(old_name))
        audit_record(
            actor=actor, action="person.photo_set", obj=person, object_label=person.cpims_number, request=request
        )
    return person


# --- Merging duplicates -------------------------------------------------------------------------

# Relations a merge handles itself; every other foreign key to Person (in any app, including the
# ones later issues add: cases, services, placements) is moved to the survivor automatically.
_SPECIAL = {
    ("registry", "person", "merged_into"),
    ("registry", "personmerge", "survivor"),
    ("registry", "personmerge", "merged"),
    ("registry", "nametoken", "person"),
    ("registry", "householdmember", "person"),
    ("registry", "relationship", "child"),
    ("registry", "relationship", "relative"),
    ("registry", "household", "head"),
}


def person_merge(
    *,
    actor: Any,
    survivor: Person,
    duplicate: Person,
    reason: str = "",
    request: HttpRequest | None = None,
) -> PersonMerge:
    """Merge ``duplicate`` into ``survivor``: everything attached to the duplicate moves to the
    survivor, blank details of the survivor are filled from the duplicate, the duplicate is kept
    (inactive, ``merged_into`` the survivor) so its CPIMS number still leads to the survivor."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    if not survivor.is_active or not duplicate.is_active:
        raise ValidationError(_("One of these records has already been merged."))
    if survivor.kind != duplicate.kind:
        raise ValidationError(_("A child's record can only be merged with another child's record."))
    for person in (survivor, duplicate):
        if not scope.can(actor, P.CHILD_MERGE, person):
            raise PermissionDenied
    with transaction.atomic():
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
        if not all(p.is_active for p in locked.values()):
            raise ValidationError(_("One of these records has already been merged."))
        moved = _move_everything(survivor, duplicate)
        filled = _fill_blanks(survivor, duplicate)
        duplicate.is_active = False
        duplicate.merged_into = survivor
        duplicate.save(update_fields=["is_active", "merged_into", "photo", "updated_at"])
        # Records merged into the duplicate earlier now lead straight to the survivor.
        Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)
        survivor.save()
        index_names([survivor, duplicate])
        merge = PersonMerge.objects.create(
            survivor=survivor,
            merged=duplicate,
            merged_number=duplicate.cpims_number,
            actor=actor,
            reason=reason.strip()[:300],
            moved={**moved, "filled": filled},
        )
        audit_record(
            actor=actor,
            action="person.merge",
            obj=survivor,
            object_label=survivor.cpims_number,
            request=request,
            details={
                "merged": str(duplicate.public_id),
                "merged_number": duplicate.cpims_number,
                "moved": moved,
                "filled": filled,
            },
        )
    return merge


def _fill_blanks(survivor: Person, duplicate: Person) -> list[str]:
    filled: list[str] = []
    for name in ("middle_name", "other_names", "village", "landmark", "phone", "school_name"):
        if not getattr(survivor, name) and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
            filled.append(name)
    for name in ("school_class", "disability", "ward", "date_of_birth"):
        if getattr(survivor, f"{name}_id" if name != "date_of_birth" else name) is None and getattr(duplicate, name):
            setattr(survivor, name, getattr(duplicate, name))
            filled.append(name)
    if "date_of_birth" in filled:
        survivor.date_of_birth_estimated = duplicate.date_of_birth_estimated
    elif survivor.date_of_birth_estimated and duplicate.date_of_birth and not duplicate.date_of_birth_estimated:
        survivor.date_of_birth, survivor.date_of_birth_estimated = duplicate.date_of_birth, False
        filled.append("date_of_birth")
    if "ward" in filled:
        survivor.sub_county_id, survivor.county_id = survivor.ward.sub_county_id, survivor.ward.county_id
    if survivor.birth_certificate == Person.BirthCertificate.UNKNOWN:
        survivor.birth_certificate = duplicate.birth_certificate
    if not survivor.photo and duplicate.photo:
        survivor.photo = duplicate.photo.name
        duplicate.photo = ""
        filled.append("photo")
    return filled


def _move_everything(survivor: Person, duplicate: Person) -> dict[str, int]:
    moved: dict[str, int] = {}
    today = timezone.localdate()
    # Relationships: drop the ones that would become self-relations or repeat an existing one.
    rels = Relationship.objects.filter(is_active=True)
    Relationship.objects.filter(
        models.Q(child=duplicate, relative=survivor) | models.Q(child=survivor, relative=duplicate)
    ).update(is_active=False)
    count = 0
    for rel in list(rels.filter(child=duplicate)):
        clash = rels.filter(child=survivor, kind=rel.kind)
        if rel.kind not in Relationship.PARENT_KINDS:
            clash = clash.filter(relative_id=rel.relative_id)
        if clash.exists():
            rel.is_active = False
            rel.save(update_fields=["is_active", "updated_at"])
        else:
            rel.child = survivor
            rel.save(update_fields=["child", "updated_at"])
            count += 1
    for rel in list(rels.filter(relative=duplicate)):
        if rels.filter(child_id=rel.child_id, relative=survivor, kind=rel.kind).exists():
            rel.is_active = False
            rel.save(update_fields=["is_active", "updated_at"])
        else:
            rel.relative = survivor
            rel.save(update_fields=["relative", "updated_at"])
            count += 1
    moved["relationships"] = count
    # Households: the duplicate's memberships move unless the survivor is already in that household.
    count = 0
    survivor_households = set(
        HouseholdMember.objects.filter(person=survivor, is_active=True).values_list("household_id", flat=True)
    )
    for member in HouseholdMember.objects.filter(person=duplicate, is_active=True):
        if member.household_id in survivor_households:
            member.is_active, member.left_on = False, today
            member.save(update_fields=["is_active", "left_on"])
        else:
            member.person = survivor
            member.save(update_fields=["person"])
            count += 1
    moved["household_memberships"] = count
    moved["households_headed"] = Household.objects.filter(head=duplicate).update(head=survivor)
    # Everything else that points at a person (identifiers, consents, and later cases, services,
    # placements...) moves as it is.
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many or relation.one_to_one) or not relation.auto_created or relation.concrete:
            continue
        model = relation.related_model
        fk = relation.field
        key = (model._meta.app_label, model._meta.model_name, fk.name)
        if key in _SPECIAL or getattr(model, "instance_type", None) is not None:  # skip history tables
            continue
        n = model._base_manager.filter(**{fk.name: duplicate}).update(**{fk.name: survivor})
        if n:
            moved[f"{model._meta.app_label}.{model._meta.model_name}.{fk.name}"] = n
    return moved

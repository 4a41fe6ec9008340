"""What forms and the API give for people and relatives, and the checks on it. Reads, never writes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.core.models import Code
from cpims.core.validation import Errors, add_error, in_list
from cpims.geo.models import Area
from cpims.registry import names
from cpims.registry.models import ADULT_AGE, Identifier, Person, Relationship, age_on

IDENTIFIER_LIST = "identifier_type_id"
OLDEST_BIRTH_YEAR = 1900

# Fields of PersonInput copied onto Person as they are.
PLAIN_FIELDS = (
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
        data = {name: getattr(person, name) for name in PLAIN_FIELDS}
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


def validate_person(data: PersonInput, *, instance: Person | None = None, today: dt.date | None = None) -> Errors:
    """Problems with one person's data, by field (empty when all is well)."""
    today = today or timezone.localdate()
    errors: Errors = {}
    if not names.normalise(data.first_name):
        add_error(errors, "first_name", _("Enter the first name."))
    if not names.normalise(data.last_name):
        add_error(errors, "last_name", _("Enter the last name (family name)."))
    if data.sex not in Person.Sex.values:
        add_error(errors, "sex", _("Choose male, female or intersex."))
    if data.kind not in Person.Kind.values:
        add_error(errors, "kind", _("Choose child or caregiver."))
    if data.birth_certificate not in Person.BirthCertificate.values:
        add_error(errors, "birth_certificate", _("Choose a birth certificate status from the list."))
    _check_birth(errors, data, today)
    if data.ward is not None and (data.ward.level != Area.Level.WARD or data.ward.pk is None):
        add_error(errors, "ward", _("Unknown ward: choose a ward from the list."))
    if data.school_class is not None and not in_list(data.school_class, "class_level_id"):
        add_error(errors, "school_class", _("Choose a class from the list."))
    if data.disability is not None and not in_list(data.disability, "disability_type_id"):
        add_error(errors, "disability", _("Choose a disability from the list."))
    for message in identifier_problems(data.identifiers, exclude_person=instance):
        add_error(errors, "identifiers", message)
    return errors


def _check_birth(errors: Errors, data: PersonInput, today: dt.date) -> None:
    """The date of birth (or age) is plausible; a child has one, is under 18 and has a ward."""
    if data.date_of_birth is not None:
        if data.date_of_birth > today:
            add_error(errors, "date_of_birth", _("The date of birth cannot be in the future."))
        elif data.date_of_birth.year < OLDEST_BIRTH_YEAR:
            add_error(errors, "date_of_birth", _("The date of birth is too long ago; check the year."))
    elif data.age_years is not None and not 0 <= data.age_years <= 120:
        add_error(errors, "age_years", _("Enter an age between 0 and 120 years."))
    if data.kind != Person.Kind.CHILD:
        return
    born, _estimated = data.resolved_date_of_birth(today)
    if born is None and "date_of_birth" not in errors and "age_years" not in errors:
        add_error(errors, "date_of_birth", _("Enter the date of birth, or the child's approximate age."))
    elif born is not None and born <= today and (age_on(born, today) or 0) >= ADULT_AGE:
        add_error(errors, "date_of_birth", _("A child must be under 18. Register adults as caregivers."))
    if data.ward is None:
        add_error(errors, "ward", _("Choose the ward where the child lives."))


def identifier_problems(items: Sequence[tuple[Code, str]], *, exclude_person: Person | None = None) -> list[str]:
    """Problems with identifier numbers: unknown type, empty, given twice, or already someone else's."""
    problems: list[str] = []
    seen: set[tuple[int, str]] = set()
    wanted: list[tuple[Code, str]] = []
    for id_type, value in items:
        norm = normalise_identifier(value)
        if not in_list(id_type, IDENTIFIER_LIST):
            problems.append(_("Choose an identifier type from the list."))
            continue
        if not norm:
            problems.append(_("Enter the %(type)s number.") % {"type": id_type.display_label})
            continue
        if (id_type.pk, norm) in seen:
            problems.append(
                _("The %(type)s number %(value)s is entered twice.") % {"type": id_type.display_label, "value": value}
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
            label = next(t.display_label for t, n in wanted if t.pk == id_type_id and n == norm)
            problems.append(
                _(
                    "This %(type)s number is already registered to another person. "
                    "Search for it before registering again."
                )
                % {"type": label}
            )
    return problems


def validate_relative(rel: RelativeInput, today: dt.date | None = None) -> Errors:
    """Problems with one caregiver or sibling, by field."""
    problems: Errors = {}
    if rel.kind not in Relationship.Kind.values:
        add_error(problems, "kind", _("Choose the relationship from the list."))
    if rel.parent_status not in Relationship.ParentStatus.values:
        add_error(problems, "parent_status", _("Choose alive, deceased or not known."))
    elif rel.parent_status != Relationship.ParentStatus.ALIVE and rel.kind not in Relationship.PARENT_KINDS:
        add_error(problems, "parent_status", _("Only a mother or father can be recorded as deceased or not known."))
    if rel.person is not None:
        rel.person.kind = Person.Kind.CHILD if rel.kind == Relationship.Kind.SIBLING else Person.Kind.CAREGIVER
        for name, messages in validate_person(rel.person, today=today).items():
            problems.setdefault(name, []).extend(messages)
    elif rel.existing is None and rel.kind not in Relationship.PARENT_KINDS:
        add_error(problems, "first_name", _("Enter the name of this person."))
    if rel.existing is not None:
        _check_existing_relative(problems, rel, today or timezone.localdate())
    if rel.is_household_head and rel.parent_status == Relationship.ParentStatus.DECEASED:
        add_error(problems, "is_household_head", _("A deceased parent cannot head the household."))
    return problems


def _check_existing_relative(problems: Errors, rel: RelativeInput, today: dt.date) -> None:
    """An already registered person picked as a relative: a live record of the right kind
    (a caregiver is an adult caregiver record, a sibling a child record)."""
    existing = rel.existing
    assert existing is not None
    if existing.pk is None or not existing.is_active:
        add_error(problems, "existing", _("This record no longer exists; search again."))
        return
    if rel.kind == Relationship.Kind.SIBLING:
        if existing.kind != Person.Kind.CHILD:
            add_error(problems, "existing", _("A sibling must be a child's record."))
    elif existing.kind != Person.Kind.CAREGIVER or (
        existing.date_of_birth is not None and (age_on(existing.date_of_birth, today) or 0) < ADULT_AGE
    ):
        add_error(problems, "existing", _("A parent or caregiver must be an adult caregiver's record."))


def validate_registration(
    child: PersonInput, relatives: Sequence[RelativeInput], today: dt.date | None = None
) -> dict[str, Any]:
    """Problems with a whole registration: {"child": {...}, "relatives": {index: {...}}, "__all__": [...]}."""
    errors: dict[str, Any] = {}
    child_errors = validate_person(child, today=today)
    if child_errors:
        errors["child"] = child_errors
    relative_errors: dict[int, Errors] = {}
    parents: set[str] = set()
    all_identifiers: list[tuple[Code, str]] = list(child.identifiers)
    for index, rel in enumerate(relatives):
        problems = validate_relative(rel, today)
        if rel.kind in Relationship.PARENT_KINDS:
            if rel.kind in parents:
                add_error(problems, "kind", _("A child has one mother and one father."))
            parents.add(rel.kind)
        if rel.person is not None:
            all_identifiers.extend(rel.person.identifiers)
        if problems:
            relative_errors[index] = problems
    if relative_errors:
        errors["relatives"] = relative_errors
    if sum(1 for r in relatives if r.is_household_head) > 1:
        add_error(errors, "__all__", _("Choose one head of household."))
    # The same number given for two people of the same registration.
    seen: set[tuple[int, str]] = set()
    for id_type, value in all_identifiers:
        key = (id_type.pk, normalise_identifier(value))
        if key in seen and key[1]:
            add_error(
                errors,
                "__all__",
                _("The %(type)s number %(value)s is given for two people.")
                % {"type": id_type.display_label, "value": value},
            )
        seen.add(key)
    return errors

"""Registering people (alone, or a child with caregivers and siblings in one household), changing
their details and adding identifier numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.core.edits import changed_fields, lock_for_edit
from cpims.core.locks import xact_lock
from cpims.core.models import Code
from cpims.core.validation import add_error, raise_errors
from cpims.geo.models import OrgUnit
from cpims.registry.actions._shared import (
    apply_input,
    audit_consent,
    check_can_register,
    index_names,
    new_person,
)
from cpims.registry.actions.inputs import (
    PLAIN_FIELDS,
    PersonInput,
    RelativeInput,
    identifier_problems,
    normalise_identifier,
    validate_person,
    validate_registration,
)
from cpims.registry.models import Consent, Household, HouseholdMember, Identifier, Person, Relationship
from cpims.registry.names import tokens


class LikelyDuplicates(Exception):
    """The registration was refused: someone registered a likely match while this one was being
    sent (two officers, or one request sent twice, at the same moment). Nothing was written."""

    def __init__(self, candidates: Sequence[Any]) -> None:
        super().__init__("likely duplicates")
        self.candidates = list(candidates)


def _check_fresh(instance: models.Model, expected_updated_at: dt.datetime | None) -> None:
    """Refuse an edit made on a copy of the record older than the stored one."""
    if expected_updated_at is None:
        return
    lock_for_edit(
        instance,
        field="updated_at",
        expected=expected_updated_at,
        message=_(
            "Someone else changed this record after you opened it. Reload the page, check their "
            "changes and enter yours again."
        ),
    )


def _duplicate_identifier_error() -> ValidationError:
    return ValidationError(
        {"identifiers": [_("One of these identifier numbers was registered by someone else a moment ago.")]}
    )


def person_create(
    *,
    actor: User,
    org_unit: OrgUnit,
    data: PersonInput,
    request: HttpRequest | None = None,
    via: str = "web",
) -> Person:
    """Register one person (child or caregiver) on their own."""
    check_can_register(actor, org_unit)
    today = timezone.localdate()
    raise_errors(validate_person(data, today=today))
    try:
        with transaction.atomic(durable=True):
            person = new_person(actor=actor, org_unit=org_unit, data=data, today=today)
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
    reused: list[Person] = field(default_factory=list)  # relatives already registered, now linked
    joined_household: bool = False  # the child joined the household of a reused caregiver


def child_register(
    *,
    actor: User,
    org_unit: OrgUnit,
    child: PersonInput,
    relatives: Sequence[RelativeInput] = (),
    child_heads_household: bool = False,
    consent_given_by: str | None = None,
    consent_date: dt.date | None = None,
    request: HttpRequest | None = None,
    via: str = "web",
    recheck: Callable[[], Sequence[Any]] | None = None,
) -> Registration:
    """Register a child with caregivers and siblings, in one household, in one transaction.

    Caregivers who live with the child and siblings join the child's household; siblings get the
    child's caregivers too. Caregivers and siblings without a ward live in the child's ward.

    ``recheck`` is the caller's duplicate check. It runs again inside the transaction, after
    registrations of the same names have been made to wait for each other, so that the same child
    sent twice at the same moment ends as one record: the second is refused with
    ``LikelyDuplicates`` and what it found.
    """
    check_can_register(actor, org_unit)
    today = timezone.localdate()
    _complete_relatives(child, relatives)
    errors = validate_registration(child, relatives, today)
    if consent_given_by and consent_given_by not in Consent.GivenBy.values:
        add_error(errors, "__all__", _("Choose who gave consent."))
    if consent_date and consent_date > today:
        add_error(errors, "__all__", _("The consent date cannot be in the future."))
    if child_heads_household and any(r.is_household_head for r in relatives):
        add_error(errors, "__all__", _("Choose one head of household."))
    raise_errors(errors)
    try:
        # Not durable: intake registers a new child inside the transaction that opens its case.
        with transaction.atomic():
            if recheck is not None:
                xact_lock("registry.register:" + " ".join(sorted(set(_name_tokens(child)))))
                found = recheck()
                if found:
                    raise LikelyDuplicates(found)
            registration = _register(
                actor=actor,
                org_unit=org_unit,
                child=child,
                relatives=relatives,
                child_heads_household=child_heads_household,
                today=today,
            )
            if consent_given_by:
                _record_registration_consent(
                    actor=actor,
                    registration=registration,
                    relatives=relatives,
                    given_by=consent_given_by,
                    given_on=consent_date or today,
                    request=request,
                )
            _audit_registration(actor=actor, org_unit=org_unit, registration=registration, request=request, via=via)
    except IntegrityError as exc:
        raise _duplicate_identifier_error() from exc
    return registration


def _name_tokens(person: PersonInput) -> list[str]:
    return tokens(person.first_name, person.middle_name, person.last_name, person.other_names)


def _complete_relatives(child: PersonInput, relatives: Sequence[RelativeInput]) -> None:
    """Kinds follow the relationship; new relatives without a ward live where the child lives."""
    child.kind = Person.Kind.CHILD
    for rel in relatives:
        if rel.person is not None:
            rel.person.kind = Person.Kind.CHILD if rel.kind == Relationship.Kind.SIBLING else Person.Kind.CAREGIVER
            if rel.person.ward is None:
                rel.person.ward = child.ward
                rel.person.village = rel.person.village or child.village


def _record_registration_consent(
    *,
    actor: User,
    registration: Registration,
    relatives: Sequence[RelativeInput],
    given_by: str,
    given_on: dt.date,
    request: HttpRequest | None,
) -> None:
    """Consent to registration for the child and each sibling, given by the first living caregiver
    when a guardian gave it."""
    guardian = next(
        (
            person
            for person, rel in zip(registration.relatives, relatives, strict=True)
            if rel.kind in Relationship.CAREGIVER_KINDS and rel.parent_status == Relationship.ParentStatus.ALIVE
        ),
        None,
    )
    for person in [registration.child, *[p for p in registration.relatives if p.kind == "child"]]:
        consent = Consent.objects.create(
            person=person,
            purpose=Consent.Purpose.REGISTRATION,
            given_by=given_by,
            given_by_person=guardian if given_by == Consent.GivenBy.GUARDIAN else None,
            given_on=given_on,
            recorded_by=actor,
        )
        audit_consent(actor, "consent.give", consent, request)


def _audit_registration(
    *, actor: User, org_unit: OrgUnit, registration: Registration, request: HttpRequest | None, via: str
) -> None:
    reused = {p.pk for p in registration.reused}
    for person in registration.reused:
        # A caregiver already in the registry, linked to the new child rather than registered again.
        audit_record(
            actor=actor,
            action="relationship.add",
            obj=person,
            object_label=person.cpims_number,
            request=request,
            details={"via": via, "reused": True, "registration_of": str(registration.child.public_id)},
        )
    for person in [registration.child, *registration.relatives]:
        if person.pk in reused:
            continue
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
        action="household.join" if registration.joined_household else "household.create",
        obj=registration.household,
        request=request,
        details={"members": registration.member_count, "via": via},
    )


def _register(
    *,
    actor: User,
    org_unit: OrgUnit,
    child: PersonInput,
    relatives: Sequence[RelativeInput],
    child_heads_household: bool,
    today: dt.date,
) -> Registration:
    main = new_person(actor=actor, org_unit=org_unit, data=child, today=today)
    people: list[Person | None] = []
    for rel in relatives:
        if rel.existing is not None:
            people.append(rel.existing)
        elif rel.person is not None:
            people.append(new_person(actor=actor, org_unit=org_unit, data=rel.person, today=today))
        else:
            people.append(None)
    siblings = [p for p, r in zip(people, relatives, strict=True) if p and r.kind == Relationship.Kind.SIBLING]
    carers = [(p, r) for p, r in zip(people, relatives, strict=True) if r.kind != Relationship.Kind.SIBLING]
    relationships = _family_relationships(actor=actor, children=[main, *siblings], carers=carers)
    relationships += _half_siblings(actor=actor, children=[main, *siblings], carers=carers)
    Relationship.objects.bulk_create(relationships)
    home = None if child_heads_household else _reused_carers_household(carers)
    if home is not None:
        household = home
    else:
        household = Household.objects.create(
            head=main if child_heads_household else _household_head(carers),
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
    staying = set(
        HouseholdMember.objects.filter(household=household, is_active=True).values_list("person_id", flat=True)
    )
    moved = [m for m in members if m.pk is not None and m.pk not in staying]
    HouseholdMember.objects.filter(person__in=moved, is_active=True).update(is_active=False, left_on=today)
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(household=household, person=m, joined_on=today)
            for m in _unique(members)
            if m.pk not in staying
        ]
    )
    new_people = [p for p, r in zip(people, relatives, strict=True) if p is not None and r.existing is None]
    index_names([main, *new_people])
    return Registration(
        child=main,
        household=household,
        relatives=[p for p in people if p is not None],
        relationships=relationships,
        member_count=len(_unique(members)),
        reused=[r.existing for r in relatives if r.existing is not None],
        joined_household=home is not None,
    )


def _reused_carers_household(carers: list[tuple[Person | None, RelativeInput]]) -> Household | None:
    """A new sibling joins the home of a reused caregiver they live with, rather than moving that
    caregiver out of the household of the children already registered with them."""
    for person, rel in carers:
        if (
            rel.existing is not None
            and person is not None
            and rel.lives_with_child
            and rel.parent_status == Relationship.ParentStatus.ALIVE
        ):
            membership = HouseholdMember.objects.filter(person=person, is_active=True).select_related("household")
            found = membership.first()
            if found is not None:
                return found.household
    return None


def _half_siblings(
    *, actor: User, children: list[Person], carers: list[tuple[Person | None, RelativeInput]]
) -> list[Relationship]:
    """Children already recorded with a reused mother or father are the new children's siblings."""
    parents = [p for p, r in carers if r.existing is not None and p is not None and r.kind in Relationship.PARENT_KINDS]
    if not parents:
        return []
    others = sorted(
        set(
            Relationship.objects.filter(
                relative__in=parents, kind__in=list(Relationship.PARENT_KINDS), is_active=True, child__is_active=True
            ).values_list("child_id", flat=True)
        )
    )
    return [
        Relationship(child_id=other, relative=kid, kind=Relationship.Kind.SIBLING, created_by=actor)
        for kid in children
        for other in others
    ]


def _family_relationships(
    *, actor: User, children: list[Person], carers: list[tuple[Person | None, RelativeInput]]
) -> list[Relationship]:
    """Every child of the registration gets every caregiver, and each pair of children are siblings."""
    relationships: list[Relationship] = []
    for kid in children:
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
    for i, older in enumerate(children):
        for younger in children[i + 1 :]:
            relationships.append(
                Relationship(child=older, relative=younger, kind=Relationship.Kind.SIBLING, created_by=actor)
            )
    return relationships


def _household_head(carers: list[tuple[Person | None, RelativeInput]]) -> Person | None:
    """The caregiver named head of household, else the first living caregiver who lives with the child."""
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
    return head


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
    actor: User,
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
    raise_errors(validate_person(data, instance=person, today=today))
    with transaction.atomic(durable=True):
        _check_fresh(person, expected_updated_at)
        before = {name: getattr(person, name) for name in (*PLAIN_FIELDS, "date_of_birth", "ward_id")}
        before["date_of_birth_estimated"] = person.date_of_birth_estimated
        apply_input(person, data, today)
        changed = sorted(changed_fields(person, before))
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
    *, actor: User, person: Person, id_type: Code, value: str, request: HttpRequest | None = None
) -> Identifier:
    problems = identifier_problems([(id_type, value)])
    if problems:
        raise ValidationError({"value": problems})
    try:
        with transaction.atomic(durable=True):
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

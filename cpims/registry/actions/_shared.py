"""Helpers the registry actions share among themselves; not for other modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.audit.actions import audit_record
from cpims.geo.models import OrgUnit
from cpims.registry import names
from cpims.registry.actions.inputs import PLAIN_FIELDS, PersonInput, normalise_identifier
from cpims.registry.models import Consent, Identifier, NameToken, NameWord, Person
from cpims.registry.numbers import next_number


def check_can_register(actor: User, org_unit: OrgUnit) -> None:
    """Refuse unless ``actor`` may register people at ``org_unit``."""
    if org_unit.pk not in {g.org_unit_id for g in scope.grants_for(actor).with_perm(P.CHILD_CREATE)}:
        raise PermissionDenied


def apply_input(person: Person, data: PersonInput, today: dt.date) -> None:
    for name in PLAIN_FIELDS:
        value = getattr(data, name)
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.date_of_birth, person.date_of_birth_estimated = data.resolved_date_of_birth(today)
    person.ward = data.ward
    person.sub_county_id = data.ward.sub_county_id if data.ward else None
    person.county_id = data.ward.county_id if data.ward else None


def new_person(*, actor: User, org_unit: OrgUnit, data: PersonInput, today: dt.date) -> Person:
    person = Person(cpims_number=next_number(), registered_by_unit=org_unit, created_by=actor)
    apply_input(person, data, today)
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


def audit_consent(actor: User, action: str, consent: Consent, request: HttpRequest | None) -> None:
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


def has_current_consent(person: Person, purpose: str) -> bool:
    return Consent.objects.filter(person=person, purpose=purpose, withdrawn_on__isnull=True).exists()

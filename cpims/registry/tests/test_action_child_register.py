"""child_register: a child with caregivers and siblings in one household, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.registry.actions import PersonInput, RelativeInput, child_register
from cpims.registry.models import Consent, Household, HouseholdMember, Person, Relationship
from cpims.registry.tests.conftest import child_input, id_type, years_ago


def caregiver(first: str, last: str, sex: str = "female", **extra: Any) -> PersonInput:
    return PersonInput(first_name=first, last_name=last, sex=sex, kind="caregiver", age_years=34, **extra)


def sibling(first: str, last: str = "Kamau", age: int = 5) -> PersonInput:
    return PersonInput(first_name=first, last_name=last, sex="male", age_years=age)


def register(cast: Any, people: Any, **kwargs: Any) -> Any:
    return child_register(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        child=kwargs.pop("child", child_input(ward=people.westlands_ward)),
        **kwargs,
    )


def test_child_with_mother_deceased_father_and_sibling(cast: Any, people: Any) -> None:
    reg = register(
        cast,
        people,
        relatives=[
            RelativeInput(kind="mother", person=caregiver("Njeri", "Wambui", identifiers=[(id_type("INTL"), "2233")])),
            RelativeInput(kind="father", parent_status="deceased"),
            RelativeInput(kind="sibling", person=sibling("Mwangi")),
        ],
        consent_given_by="guardian",
    )
    child, household = reg.child, reg.household
    mother = Person.objects.get(first_name="Njeri")
    brother = Person.objects.get(first_name="Mwangi")
    assert mother.kind == "caregiver" and brother.kind == "child"
    assert mother.ward == child.ward  # caregivers without a ward live in the child's ward
    # Relationships: mother and dead father for both children, and the sibling pair once.
    assert Relationship.objects.filter(child=child).count() == 3
    assert Relationship.objects.filter(child=brother, kind="mother", relative=mother).exists()
    assert Relationship.objects.filter(kind="sibling").count() == 1
    # Orphan status is computed from the father's relationship, never typed.
    flagged = Person.objects.with_orphan_flags().get(pk=child.pk)
    assert flagged.father_deceased and not flagged.mother_deceased
    assert set(Person.objects.orphans().values_list("pk", flat=True)) == {child.pk, brother.pk}
    # One household, headed by the living mother.
    assert household.head == mother
    members = set(HouseholdMember.objects.filter(household=household).values_list("person_id", flat=True))
    assert members == {child.pk, brother.pk, mother.pk}
    assert household.is_child_headed is False
    # Consent recorded for each child, given by the guardian (the mother).
    consent = Consent.objects.get(person=child)
    assert consent.purpose == "registration" and consent.given_by_person == mother
    assert Consent.objects.filter(person=brother).count() == 1
    assert AuditEvent.objects.filter(action="person.create").count() == 3
    assert AuditEvent.objects.filter(action="household.create").count() == 1


def test_child_headed_household_is_recognisable(cast: Any, people: Any) -> None:
    reg = register(
        cast,
        people,
        child=child_input(ward=people.westlands_ward, date_of_birth=years_ago(15)),
        relatives=[
            RelativeInput(kind="mother", parent_status="deceased"),
            RelativeInput(kind="father", parent_status="deceased"),
            RelativeInput(kind="sibling", person=sibling("Kamande", age=9)),
        ],
        child_heads_household=True,
    )
    household = Household.objects.prefetch_related("members__person").select_related("head").get(pk=reg.household.pk)
    assert household.head == reg.child
    assert household.is_child_headed is True
    flagged = Person.objects.with_orphan_flags().get(pk=reg.child.pk)
    assert flagged.mother_deceased and flagged.father_deceased


def test_a_household_of_minors_without_a_named_head_is_child_headed(cast: Any, people: Any) -> None:
    reg = register(cast, people, relatives=[RelativeInput(kind="sibling", person=sibling("Kamande", age=12))])
    household = Household.objects.prefetch_related("members__person").get(pk=reg.household.pk)
    assert household.head is None and household.is_child_headed is True


def test_problems_anywhere_write_nothing(cast: Any, people: Any) -> None:
    before = (Person.objects.count(), Relationship.objects.count(), Household.objects.count())
    with pytest.raises(ValidationError) as info:
        register(
            cast,
            people,
            relatives=[
                RelativeInput(kind="mother", person=caregiver("Njeri", "Wambui")),
                RelativeInput(kind="mother", person=caregiver("Akinyi", "Otieno")),
                RelativeInput(
                    kind="sibling",
                    person=PersonInput(
                        first_name="Baraka",
                        last_name="Kamau",
                        sex="male",
                        date_of_birth=timezone.localdate() + dt.timedelta(days=3),
                    ),
                ),
                RelativeInput(kind="guardian", parent_status="deceased", person=caregiver("Joseph", "Kamau")),
            ],
        )
    errors = info.value.message_dict
    assert "one mother" in errors["relatives.1.kind"][0]
    assert "future" in errors["relatives.2.date_of_birth"][0]
    assert "Only a mother or father" in errors["relatives.3.parent_status"][0]
    assert (Person.objects.count(), Relationship.objects.count(), Household.objects.count()) == before


def test_an_existing_caregiver_can_be_linked(cast: Any, people: Any) -> None:
    first = register(cast, people, relatives=[RelativeInput(kind="guardian", person=caregiver("Grace", "Wairimu"))])
    grace = first.relatives[0]
    second = register(
        cast,
        people,
        child=child_input("Kevin", "Ochieng", ward=people.westlands_ward, sex="male"),
        relatives=[RelativeInput(kind="guardian", existing=grace)],
    )
    assert Relationship.objects.filter(relative=grace).count() == 2
    # Grace moved into the new household (one active household at a time).
    assert HouseholdMember.objects.get(person=grace, is_active=True).household == second.household

"""person_create: numbers, denormalised area, search index, audit; bad input writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.geo.models import Area
from cpims.registry.actions import person_create
from cpims.registry.models import Identifier, NameToken, NameWord, Person
from cpims.registry.tests.conftest import child_input, id_type


def counts() -> tuple[int, int, int, int]:
    return (Person.objects.count(), Identifier.objects.count(), NameToken.objects.count(), AuditEvent.objects.count())


def test_registering_a_child(cast: Any, people: Any) -> None:
    child = people.nairobi_child("Wanjiku", "Kamau", middle_name="Njeri", identifiers=[(id_type(), "BC 123-456")])
    assert child.cpims_number.startswith("CP")
    ward = people.westlands_ward
    assert (child.ward, child.sub_county_id, child.county_id) == (ward, ward.sub_county_id, ward.county_id)
    assert child.registered_by_unit == cast.westlands_office and child.created_by == cast.nairobi_officer
    assert set(NameToken.objects.filter(person=child).values_list("token", flat=True)) == {"wanjiku", "njeri", "kamau"}
    assert NameWord.objects.filter(word="njeri").exists()
    identifier = child.identifiers.get()
    assert identifier.value_normalised == "BC123456"
    event = AuditEvent.objects.get(action="person.create", object_id=str(child.public_id))
    assert event.object_label == child.cpims_number
    assert "Wanjiku" not in str(event.details)
    assert child.history.count() == 1


def test_age_about_gives_an_estimated_date_of_birth(people: Any) -> None:
    child = people.nairobi_child(date_of_birth=None, age_years=7)
    assert child.date_of_birth_estimated is True
    assert child.age == 7


def test_numbers_are_distinct(people: Any) -> None:
    numbers = {people.nairobi_child(f"Child{i}", "Otieno").cpims_number for i in range(5)}
    assert len(numbers) == 5


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date_of_birth": timezone.localdate() + dt.timedelta(days=1)}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": None}, "date_of_birth", "approximate age"),
        ({"date_of_birth": dt.date(1990, 1, 1)}, "date_of_birth", "must be under 18"),
        ({"first_name": "  "}, "first_name", "first name"),
        ({"sex": "unknown"}, "sex", "male, female or intersex"),
        ({"ward": None}, "ward", "ward"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(
    cast: Any, people: Any, change: dict[str, Any], field: str, message: str
) -> None:
    before = counts()
    data = child_input(ward=people.westlands_ward)
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(ValidationError) as info:
        person_create(actor=cast.nairobi_officer, org_unit=cast.westlands_office, data=data)
    assert message in " ".join(info.value.message_dict[field])
    assert counts() == before


def test_unknown_ward_is_refused(cast: Any, people: Any) -> None:
    before = counts()
    county = Area.objects.filter(level=Area.Level.COUNTY).first()
    with pytest.raises(ValidationError) as info:
        person_create(actor=cast.nairobi_officer, org_unit=cast.westlands_office, data=child_input(ward=county))
    assert "Unknown ward" in info.value.message_dict["ward"][0]
    assert counts() == before


def test_duplicate_identifier_is_refused_and_nothing_written(cast: Any, people: Any) -> None:
    people.nairobi_child(identifiers=[(id_type(), "12345678")])
    before = counts()
    with pytest.raises(ValidationError) as info:
        people.nairobi_child("Achieng", "Otieno", identifiers=[(id_type(), "1234 5678")])
    assert "already registered to another person" in info.value.message_dict["identifiers"][0]
    assert counts() == before
    # The same number under another identifier type is a different identifier.
    people.nairobi_child("Achieng", "Otieno", identifiers=[(id_type("IPPN"), "12345678")])


def test_the_same_identifier_twice_in_one_registration(people: Any) -> None:
    with pytest.raises(ValidationError) as info:
        people.nairobi_child(identifiers=[(id_type(), "A1"), (id_type(), "a-1")])
    assert "entered twice" in info.value.message_dict["identifiers"][0]


def test_registering_needs_child_create_at_the_unit(cast: Any, people: Any) -> None:
    with pytest.raises(PermissionDenied):
        person_create(
            actor=cast.nairobi_officer, org_unit=cast.turkana_central_office, data=child_input(ward=people.turkana_ward)
        )
    with pytest.raises(PermissionDenied):
        person_create(actor=cast.national_me, org_unit=cast.hq, data=child_input(ward=people.westlands_ward))

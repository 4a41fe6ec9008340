"""Registering a sibling reuses the mother already in the registry (search before create): the
form offers her, the officer picks her, and one person is linked to both children."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.registry.models import HouseholdMember, Identifier, Person, Relationship
from cpims.registry.tests.conftest import id_type
from cpims.registry.tests.test_view_child_create import URL, form_data


def with_mother_id(data: dict[str, Any], number: str = "12345678") -> dict[str, Any]:
    data.update({"carer-0-identifier_type": id_type().pk, "carer-0-identifier_value": number})
    data.update({"sibling-0-first_name": "", "sibling-0-last_name": ""})
    return data


def register_a(client: Any, people: Any) -> Person:
    response = client.post(URL, with_mother_id(form_data(people)))
    assert response.status_code == 302
    return Person.objects.get(first_name="Wanjiku")


def test_the_sibling_reuses_the_registered_mother(client: Any, cast: Any, login: Any, people: Any) -> None:
    login(client, cast.nairobi_officer)
    a = register_a(client, people)
    mother = Person.objects.get(first_name="Njeri")
    data = with_mother_id(form_data(people, first_name="Achieng", date_of_birth="2020-02-02"))
    first = client.post(URL, data)
    assert first.status_code == 200  # asked, nothing written
    body = first.content.decode()
    assert "Already registered" in body and mother.cpims_number in body
    assert Person.objects.filter(first_name="Achieng").count() == 0
    data["carer-0-use_existing"] = str(mother.public_id)
    second = client.post(URL, data)
    assert second.status_code == 302
    b = Person.objects.get(first_name="Achieng")
    assert Person.objects.filter(first_name="Njeri").count() == 1
    assert Identifier.objects.filter(value_normalised="12345678").count() == 1
    assert set(Relationship.objects.filter(relative=mother, kind="mother").values_list("child_id", flat=True)) == {
        a.pk,
        b.pk,
    }
    # Children of the same mother are siblings; the new child joins the mother's household.
    assert Relationship.objects.filter(child=a, relative=b, kind="sibling").exists()
    home = HouseholdMember.objects.get(person=mother, is_active=True).household
    assert HouseholdMember.objects.filter(household=home, person__in=[a, b], is_active=True).count() == 2
    link = AuditEvent.objects.get(action="relationship.add", object_id=str(mother.public_id))
    assert link.details["reused"] is True
    assert not AuditEvent.objects.filter(action="person.create", object_id=str(mother.public_id)).count() > 1


def test_choosing_a_different_person_keeps_the_id_number_refusal(
    client: Any, cast: Any, login: Any, people: Any
) -> None:
    login(client, cast.nairobi_officer)
    register_a(client, people)
    data = with_mother_id(form_data(people, first_name="Achieng", date_of_birth="2020-02-02"))
    data["carer-0-use_existing"] = "new"
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "already registered to another person" in response.content.decode()
    assert not Person.objects.filter(first_name="Achieng").exists()


def test_a_pick_not_offered_is_refused(client: Any, cast: Any, login: Any, people: Any) -> None:
    other = people.turkana_child()  # outside the officer's scope, and not a caregiver
    login(client, cast.nairobi_officer)
    data = with_mother_id(form_data(people), number="99999999")
    data["carer-0-use_existing"] = str(other.public_id)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not Person.objects.filter(first_name="Wanjiku").exists()
    assert not Relationship.objects.filter(relative=other).exists()


def test_a_child_record_cannot_be_picked_as_mother(client: Any, cast: Any, login: Any, people: Any) -> None:
    from django.core.exceptions import ValidationError

    from cpims.registry.actions import RelativeInput, child_register
    from cpims.registry.tests.conftest import child_input

    kid = people.nairobi_child("Kidmother", "Test")
    try:
        child_register(
            actor=cast.nairobi_officer,
            org_unit=cast.westlands_office,
            child=child_input("Baby", "Test", ward=people.westlands_ward),
            relatives=[RelativeInput(kind="mother", existing=kid)],
        )
    except ValidationError as exc:
        assert "adult caregiver" in str(exc)
    else:
        raise AssertionError("a child's record was accepted as a mother")
    assert reverse("registry:child_create")

"""person_merge: everything moves to the survivor, the merged number leads there, all traceable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.registry.actions import (
    PersonInput,
    RelativeInput,
    child_register,
    consent_give,
    identifier_add,
    person_merge,
)
from cpims.registry.models import Consent, HouseholdMember, Identifier, NameToken, Person, PersonMerge, Relationship
from cpims.registry.queries import SearchFilters, search_people
from cpims.registry.tests.conftest import child_input, id_type


def registered(cast: Any, people: Any, first: str, last: str, mother: str) -> Any:
    return child_register(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        child=child_input(first, last, ward=people.westlands_ward),
        relatives=[
            RelativeInput(
                kind="mother", person=PersonInput(first_name=mother, last_name="Wambui", sex="female", kind="caregiver")
            )
        ],
    )


def test_merge_moves_everything_and_leaves_a_trail(cast: Any, people: Any) -> None:
    kept = registered(cast, people, "Wanjiku", "Kamau", "Njeri")
    dup = registered(cast, people, "Wanjiko", "Kamau", "Njeri")
    survivor, duplicate = kept.child, dup.child
    identifier_add(actor=cast.nairobi_officer, person=duplicate, id_type=id_type(), value="BC-777")
    consent_give(
        actor=cast.nairobi_officer,
        person=duplicate,
        purpose="data_sharing",
        given_by="guardian",
        given_on=timezone.localdate(),
        shared_with=cast.nairobi_ngo,
    )
    merge = person_merge(
        actor=cast.nairobi_coordinator, survivor=survivor, duplicate=duplicate, reason="Same child, typo in name"
    )
    duplicate.refresh_from_db()
    assert duplicate.is_active is False and duplicate.merged_into == survivor
    assert Identifier.objects.get(value="BC-777").person == survivor
    assert Consent.objects.get(purpose="data_sharing").person == survivor
    # The duplicate's mother relationship moved (the survivor already has a mother: that one stays,
    # the duplicate's is closed, not duplicated).
    assert Relationship.objects.filter(child=survivor, kind="mother", is_active=True).count() == 1
    assert not Relationship.objects.filter(child=duplicate, is_active=True).exists()
    # Household: the survivor keeps one active membership; the duplicate has none.
    assert not HouseholdMember.objects.filter(person=duplicate, is_active=True).exists()
    assert HouseholdMember.objects.filter(person=survivor, is_active=True).count() == 2
    assert not NameToken.objects.filter(person=duplicate).exists()
    # Traceable: the merge row and the audit event.
    assert merge.merged_number == duplicate.cpims_number and merge.actor == cast.nairobi_coordinator
    assert merge.moved["registry.identifier.person"] == 1
    event = AuditEvent.objects.get(action="person.merge")
    assert event.object_id == str(survivor.public_id)
    assert event.details["merged_number"] == duplicate.cpims_number
    # The merged number leads to the survivor.
    result = search_people(cast.nairobi_officer, SearchFilters(q=duplicate.cpims_number))
    assert [p.pk for p in result.people] == [survivor.pk]
    assert "merged" in result.notice


def test_blank_details_are_filled_from_the_duplicate(cast: Any, people: Any) -> None:
    survivor = people.nairobi_child()
    duplicate = people.nairobi_child(school_name="Kangemi Primary", village="Kangemi", middle_name="Njeri")
    person_merge(actor=cast.nairobi_officer, survivor=survivor, duplicate=duplicate)
    survivor.refresh_from_db()
    assert (survivor.school_name, survivor.village, survivor.middle_name) == ("Kangemi Primary", "Kangemi", "Njeri")
    assert NameToken.objects.filter(person=survivor, token="njeri").exists()
    assert PersonMerge.objects.get().moved["filled"] == ["middle_name", "village", "school_name"]


def test_earlier_merges_follow_to_the_new_survivor(cast: Any, people: Any) -> None:
    a, b, c = (people.nairobi_child(f"Child{x}", "Kamau") for x in "ABC")
    person_merge(actor=cast.nairobi_officer, survivor=b, duplicate=a)
    person_merge(actor=cast.nairobi_officer, survivor=c, duplicate=b)
    assert Person.objects.get(pk=a.pk).merged_into == c


def test_merge_needs_the_permission_over_both_records(cast: Any, people: Any) -> None:
    nairobi = people.nairobi_child()
    turkana = people.turkana_child()
    with pytest.raises(PermissionDenied):
        person_merge(actor=cast.nairobi_officer, survivor=nairobi, duplicate=turkana)
    other = people.nairobi_child("Njeri", "Kamau")
    with pytest.raises(PermissionDenied):  # the partner may see, not merge
        person_merge(actor=cast.partner, survivor=nairobi, duplicate=other)
    assert Person.objects.filter(is_active=False).count() == 0


def test_merge_refuses_nonsense(cast: Any, people: Any) -> None:
    child = people.nairobi_child()
    with pytest.raises(ValidationError):
        person_merge(actor=cast.nairobi_officer, survivor=child, duplicate=child)
    other = people.nairobi_child("Njeri", "Kamau")
    person_merge(actor=cast.nairobi_officer, survivor=child, duplicate=other)
    with pytest.raises(ValidationError):
        person_merge(actor=cast.nairobi_officer, survivor=other, duplicate=child)

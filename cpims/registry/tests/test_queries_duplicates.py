"""duplicate_candidates: a misspelled re-registration is proposed; a different child is not."""

from __future__ import annotations

from typing import Any

from cpims.registry.actions import PersonInput, RelativeInput, child_register
from cpims.registry.queries import duplicate_candidates
from cpims.registry.tests.conftest import child_input, years_ago


def test_misspelled_re_registration_is_proposed(cast: Any, people: Any) -> None:
    original = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 40))
    again = child_input("Wanjiko", "Kamao", ward=people.westlands_ward, date_of_birth=years_ago(8, 40))
    candidates = duplicate_candidates(cast.nairobi_officer, again)
    assert [c.person for c in candidates] == [original]
    assert "same date of birth" in candidates[0].reasons and "same ward" in candidates[0].reasons


def test_swapped_names_with_estimated_age_are_proposed(cast: Any, people: Any) -> None:
    original = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 40))
    again = child_input("Kamau", "Wanjiku", ward=people.westlands_ward, date_of_birth=None, age_years=8)
    assert [c.person for c in duplicate_candidates(cast.nairobi_officer, again)] == [original]


def test_a_different_child_is_not_proposed(cast: Any, people: Any) -> None:
    people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8))
    sister = child_input("Wanjiku", "Kamau", ward=people.westlands_ward, date_of_birth=years_ago(16), sex="male")
    assert duplicate_candidates(cast.nairobi_officer, sister) == []
    assert duplicate_candidates(cast.nairobi_officer, child_input("Brian", "Otieno", ward=people.westlands_ward)) == []


def test_same_mother_counts(cast: Any, people: Any) -> None:
    mother = PersonInput(first_name="Njeri", last_name="Wambui", sex="female", kind="caregiver")
    reg = child_register(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        child=child_input("Wanjiku", "Kamau", ward=people.westlands_ward, date_of_birth=years_ago(8)),
        relatives=[RelativeInput(kind="mother", person=mother)],
    )
    other_ward = people.turkana_ward  # registered again far away, age guessed
    again = child_input("Wanjiku", "Kamau", ward=other_ward, date_of_birth=None, age_years=10)
    candidates = duplicate_candidates(
        cast.national_me,
        again,
        relatives=[
            RelativeInput(kind="mother", person=PersonInput(first_name="Njeri", last_name="Wambui", sex="female"))
        ],
    )
    assert candidates[0].person == reg.child and "same mother" in candidates[0].reasons


def test_candidates_stay_within_scope(cast: Any, people: Any) -> None:
    people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 40))
    again = child_input("Wanjiku", "Kamau", ward=people.turkana_ward, date_of_birth=years_ago(8, 40))
    assert duplicate_candidates(cast.turkana_officer, again) == []

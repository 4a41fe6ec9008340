"""duplicate_pairs: the bulk duplicate check (an import) finds what the check at the desk finds."""

from __future__ import annotations

from typing import Any

from cpims.registry.actions import child_register
from cpims.registry.queries import DUPLICATE_WINDOW, duplicate_candidates, duplicate_pairs
from cpims.registry.tests.conftest import child_input, years_ago


def test_swapped_and_misspelled_names_are_paired_and_scored_as_at_the_desk(cast: Any, people: Any) -> None:
    original = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 40))
    swapped = people.nairobi_child("Kamau", "Wanjiku", date_of_birth=years_ago(8, 40))
    # Both names misspelled, so no name word is shared: only the same birthday brings them together.
    misspelled = people.nairobi_child("Wanjiko", "Kamao", date_of_birth=years_ago(8, 40))
    other = people.nairobi_child("Brian", "Otieno", date_of_birth=years_ago(8, 40))
    pairs = duplicate_pairs([swapped.pk, misspelled.pk, other.pk])
    found = {(new, old) for new, old, _ in pairs}
    assert (swapped.pk, original.pk) in found and (misspelled.pk, original.pk) in found
    assert not any(other.pk in pair for pair in found)
    for new, old, score in pairs:  # the same score the registry gives at registration
        person = type(original).objects.get(pk=new)
        data = child_input(person.first_name, person.last_name, ward=person.ward, date_of_birth=person.date_of_birth)
        desk = {c.person.pk: c.score for c in duplicate_candidates(cast.national_me, data, exclude=[new], audit=False)}
        assert desk[old] == score


def test_a_different_child_is_not_paired(cast: Any, people: Any) -> None:
    people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8))
    sister = child_register(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        child=child_input("Wanjiku", "Kamau", ward=people.westlands_ward, date_of_birth=years_ago(16), sex="male"),
    ).child
    assert duplicate_pairs([sister.pk]) == []


def test_common_names_compare_neighbours_by_birth_date(cast: Any, people: Any) -> None:
    """Many children of one name: each new one is compared with those born closest, and still
    meets its own duplicate (same birthday) however many share the name."""
    for i in range(DUPLICATE_WINDOW * 2):
        people.nairobi_child("Mary", "Akinyi", date_of_birth=years_ago(2 + i % 14, i))
    original = people.nairobi_child("Mary", "Akinyi", date_of_birth=years_ago(9, 100))
    again = people.nairobi_child("Akinyi", "Mary", date_of_birth=years_ago(9, 100))
    pairs = duplicate_pairs([again.pk], limit=3)
    assert pairs and pairs[0][:2] == (again.pk, original.pk)
    assert len(pairs) <= 3


def test_nothing_new_nothing_read(cast: Any, people: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert duplicate_pairs([]) == []


def test_a_namesake_born_months_apart_elsewhere_is_not_linked(cast: Any, people: Any) -> None:
    """The desk proposes a namesake born the same year; an import links only one born the same
    day, or within three months in the same sub-county."""
    people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 0))
    namesake = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 200))
    assert duplicate_pairs([namesake.pk]) == []
    near = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 230))
    assert [(new, old) for new, old, _ in duplicate_pairs([near.pk])] == [(near.pk, namesake.pk)]

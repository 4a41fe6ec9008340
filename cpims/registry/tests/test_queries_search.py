"""search_people: misspelled, reordered and partial names, numbers, identifiers, ages, places;
always within the user's scope; always audited without names; constant query counts."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.audit.models import AuditEvent
from cpims.registry.actions import identifier_add
from cpims.registry.queries import SearchFilters, search_people
from cpims.registry.tests.conftest import id_type, years_ago


@pytest.fixture
def children(people: Any) -> dict[str, Any]:
    return {
        "wanjiku": people.nairobi_child("Wanjiku", "Kamau", middle_name="Njeri"),
        "otieno": people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(14)),
        "achieng": people.nairobi_child("Achieng", "Odhiambo", date_of_birth=years_ago(3)),
        "kiptoo": people.nairobi_child("Kiprono", "Kiptoo", sex="male"),
        "turkana": people.turkana_child("Ekai", "Lokiru"),
    }


def found(user: Any, **filters: Any) -> list[str]:
    return [p.first_name for p in search_people(user, SearchFilters(**filters)).people]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Wanjiku Kamau", "Wanjiku"),
        ("kamau wanjiku", "Wanjiku"),  # swapped order
        ("Wanjiko Kamao", "Wanjiku"),  # misspelled both
        ("Njeri", "Wanjiku"),  # middle name only
        ("wanj kam", "Wanjiku"),  # partial names
        ("Achieng Odiambo", "Achieng"),  # silent h
        ("Kipronno Kipto", "Kiprono"),  # doubled / dropped letters
        ("OTIENO brian", "Brian"),
    ],
)
def test_name_search_finds_variants(cast: Any, children: Any, query: str, expected: str) -> None:
    assert found(cast.nairobi_officer, q=query)[0] == expected


def test_best_match_first(cast: Any, people: Any, children: Any) -> None:
    people.nairobi_child("Wanjiru", "Kamau")
    assert found(cast.nairobi_officer, q="Wanjiku Kamau")[:2] == ["Wanjiku", "Wanjiru"]


def test_unrelated_names_are_not_found(cast: Any, children: Any) -> None:
    assert found(cast.nairobi_officer, q="Mohamed Hassan") == []


def test_search_by_number_and_identifier(cast: Any, children: Any) -> None:
    child = children["otieno"]
    identifier_add(actor=cast.nairobi_officer, person=child, id_type=id_type(), value="BC 4455 66")
    assert found(cast.nairobi_officer, q=child.cpims_number.lower()) == ["Brian"]
    assert found(cast.nairobi_officer, q="bc445566") == ["Brian"]
    assert found(cast.nairobi_officer, identifier="BC-445566", identifier_type=id_type()) == ["Brian"]
    assert found(cast.nairobi_officer, identifier="BC-445566", identifier_type=id_type("INTL")) == []
    typo = child.cpims_number[:-1] + str((int(child.cpims_number[-1]) + 1) % 10)
    result = search_people(cast.nairobi_officer, SearchFilters(q=typo))
    assert result.people == [] and "typing error" in result.notice


def test_age_date_sex_and_place_filters(cast: Any, people: Any, children: Any) -> None:
    officer = cast.nairobi_officer
    assert found(officer, q="a", age_min=10) == []  # a lone letter matches only a name that is that letter
    assert set(found(officer, age_min=10, age_max=17)) == {"Brian"}
    assert set(found(officer, age_max=5)) == {"Achieng"}
    assert set(found(officer, sex="male")) == {"Brian", "Kiprono"}
    assert found(officer, q="Kamau", dob_from=years_ago(1)) == []
    ward = people.westlands_ward
    assert len(found(officer, ward=ward)) == 4
    assert found(officer, county=ward.county, q="Otieno") == ["Brian"]


def test_search_never_crosses_scope(cast: Any, children: Any) -> None:
    assert found(cast.turkana_officer, q="Wanjiku Kamau") == []
    assert found(cast.turkana_officer, q=children["wanjiku"].cpims_number) == []
    assert found(cast.turkana_officer, age_max=17) == ["Ekai"]
    assert found(cast.nairobi_officer, q="Ekai Lokiru") == []
    assert set(found(cast.national_me, age_max=17)) == {"Wanjiku", "Brian", "Achieng", "Kiprono", "Ekai"}
    # The stakeholder has no child permission at all.
    assert found(cast.stakeholder, age_max=17) == []


def test_partner_sees_only_what_its_unit_registered(cast: Any, children: Any) -> None:
    from cpims.registry.actions import person_create
    from cpims.registry.tests.conftest import child_input

    mine = person_create(
        actor=cast.partner, org_unit=cast.nairobi_ngo, data=child_input("Faith", "Kamau", ward=children["wanjiku"].ward)
    )
    assert found(cast.partner, q="Kamau") == [mine.first_name]


def test_every_search_is_audited_without_names(cast: Any, children: Any) -> None:
    search_people(cast.nairobi_officer, SearchFilters(q="Wanjiku Kamau", sex="female"))
    event = AuditEvent.objects.get(action="person.search")
    assert event.actor == cast.nairobi_officer
    assert event.details["filters"] == ["q", "sex"] and event.details["results"] == 1
    assert "anjiku" not in str(event.details).lower() and "kamau" not in str(event.details).lower()


def test_paging(cast: Any, people: Any) -> None:
    for i in range(25):
        people.nairobi_child(f"Child{chr(65 + i % 26)}{i}", "Mutua")
    first = search_people(cast.nairobi_officer, SearchFilters(q="Mutua"), page=1)
    second = search_people(cast.nairobi_officer, SearchFilters(q="Mutua"), page=2)
    assert (first.total, first.pages, len(first.people), len(second.people)) == (25, 2, 20, 5)
    assert not {p.pk for p in first.people} & {p.pk for p in second.people}


def test_query_count_does_not_grow_with_results(
    cast: Any, people: Any, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    people.nairobi_child("Amani", "Mutua")
    from cpims.accounts.scope import grants_for

    grants_for(cast.nairobi_officer)  # as in a request, grants are read once
    # vocabulary + one candidate tier (exact, close and loose spellings are the same word here:
    # matching ids, then those people in scope) + page rows + audit insert + search hits (one insert)
    with django_assert_num_queries(6):
        small = search_people(cast.nairobi_officer, SearchFilters(q="Mutua"))
    for i in range(15):
        people.nairobi_child(f"Baraka{i}", "Mutua")
    with django_assert_num_queries(6):
        large = search_people(cast.nairobi_officer, SearchFilters(q="Mutua"))
    assert (small.total, large.total) == (1, 16)
    # A misspelled name asks the candidate tiers that differ: exact (no id matches, so no second
    # query), then close spellings.
    with django_assert_num_queries(7):
        assert search_people(cast.nairobi_officer, SearchFilters(q="Mutuah")).total == 16

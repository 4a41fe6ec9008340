"""search_people's ranking: the closest name first (exact before longer, reordered or misspelled
names), then the searcher's own ward, sub-county and county, then the date of birth closest to an
age or date given; misspelled names still find the child; results never leave the scope."""

from __future__ import annotations

import random
from typing import Any

import pytest

from bench import names as N
from conftest import make_user
from cpims.registry.actions import person_create
from cpims.registry.queries import HomeAreas, SearchFilters, home_areas, name_candidates, search_people
from cpims.registry.tests.conftest import child_input, ward_in, years_ago

OTHER_NAIROBI_SUB_COUNTY = "275"  # a Nairobi sub-county that is not Westlands


def first_page(user: Any, **filters: Any) -> list[Any]:
    return search_people(user, SearchFilters(**filters)).people


def nairobi_elsewhere(cast: Any, first: str, last: str, **extra: Any) -> Any:
    """A child of Nairobi county outside Westlands, registered by the county coordinator."""
    return person_create(
        actor=cast.nairobi_coordinator,
        org_unit=cast.nairobi_office,
        data=child_input(first, last, ward=ward_in(OTHER_NAIROBI_SUB_COUNTY), **extra),
    )


@pytest.fixture
def two_hats(cast: Any) -> Any:
    """A Nairobi county coordinator who also works as the Westlands sub-county officer."""
    from cpims.accounts import roles as R
    from cpims.accounts.models import Assignment, Role

    user = make_user("two_hats", R.COUNTY_COORDINATOR, cast.nairobi_office)
    Assignment.objects.create(
        user=user, role=Role.objects.get(code=R.SUBCOUNTY_OFFICER), org_unit=cast.westlands_office
    )
    return user


def test_exact_full_name_first_among_many_with_the_same_surname(cast: Any, people: Any) -> None:
    firsts = ["Wanjiru", "Wanjiko", "Wairimu", "Wambui", "Wangari", "Njeri", "Nyambura", "Muthoni", "Wanja"]
    for first in firsts:
        for middle in ("", "Akinyi"):
            people.nairobi_child(first, "Kamau", middle_name=middle)
    for middle in ("Njeri", "Wambui", "Akinyi"):  # the same first and last name, and one more
        people.nairobi_child("Wanjiku", "Kamau", middle_name=middle)
    people.nairobi_child("Kamau", "Wanjiku")  # the same names the other way round
    target = people.nairobi_child("Wanjiku", "Kamau")  # registered last: the lowest priority by age
    full = people.nairobi_child("Wanjiku", "Kamau", middle_name="Muthoni")

    result = search_people(cast.nairobi_officer, SearchFilters(q="Wanjiku Kamau"))
    assert result.total >= 10
    assert result.people[0] == target
    assert {p.middle_name for p in result.people[1:5]} == {"Njeri", "Wambui", "Akinyi", "Muthoni"}
    assert result.people[5].first_name == "Kamau"  # reordered names come after every exact match
    assert first_page(cast.nairobi_officer, q="Wanjiku Muthoni Kamau")[0] == full
    assert first_page(cast.nairobi_officer, q="Kamau Wanjiku")[0].first_name == "Kamau"


def test_own_area_first_among_equal_names(cast: Any, people: Any, two_hats: Any) -> None:
    elsewhere = nairobi_elsewhere(cast, "Amina", "Hassan")  # registered first
    westlands = people.nairobi_child("Amina", "Hassan")
    people.turkana_child("Amina", "Hassan")  # out of every Nairobi user's scope

    # Both are in the coordinator's county: equal, so the older record comes first.
    assert first_page(cast.nairobi_coordinator, q="Amina Hassan") == [elsewhere, westlands]
    # Westlands is also this user's own sub-county: its child comes first.
    assert first_page(two_hats, q="Amina Hassan") == [westlands, elsewhere]
    # A closer name still beats a closer place.
    misspelled = people.nairobi_child("Amina", "Hasan")
    assert first_page(two_hats, q="Amina Hasan")[0] == misspelled
    assert first_page(two_hats, q="Amina Hassan")[:2] == [westlands, elsewhere]


def test_home_areas_come_from_the_assignments(cast: Any, two_hats: Any) -> None:
    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    westlands = cast.westlands_office
    assert home_areas(two_hats) == HomeAreas(
        sub_counties=frozenset({westlands.sub_county_id}), counties=frozenset({westlands.county_id})
    )
    assert not home_areas(cast.national_me)  # the national office has no area of its own
    ward = ward_in("274")
    unit = OrgUnit.objects.create(
        name="Ward office",
        code="WARD-TEST-1",
        kind=OrgUnit.Kind.SUB_COUNTY_OFFICE,
        area=ward,
        county=westlands.county,
        sub_county=westlands.sub_county,
    )
    ward_officer = make_user("ward_officer", R.SUBCOUNTY_OFFICER, unit)
    assert home_areas(ward_officer).wards == frozenset({ward.pk})


def test_own_ward_before_own_sub_county(cast: Any, people: Any) -> None:
    from cpims.registry.models import Person

    first_ward = people.westlands_ward
    wards = type(first_ward).objects.filter(sub_county=first_ward.sub_county, level="ward")
    other_ward = wards.exclude(pk=first_ward.pk).first()
    a = people.nairobi_child("Baraka", "Mwangi")
    b = person_create(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        data=child_input("Baraka", "Mwangi", ward=other_ward),
    )
    base = Person.objects.all()
    home = HomeAreas(wards=frozenset({other_ward.pk}), sub_counties=frozenset({first_ward.sub_county_id}))
    assert [row[0] for row in name_candidates(base, ["baraka", "mwangi"], home=home)] == [b.pk, a.pk]
    home = HomeAreas(wards=frozenset({first_ward.pk}))
    assert [row[0] for row in name_candidates(base, ["baraka", "mwangi"], home=home)] == [a.pk, b.pk]


def test_age_or_date_of_birth_ranks_equal_names(cast: Any, people: Any) -> None:
    young = people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(3))
    middle = people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(9, 100))
    old = people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(15))
    close_name = people.nairobi_child("Brayan", "Otieno", sex="male", date_of_birth=years_ago(9, 100))
    officer = cast.nairobi_officer

    assert first_page(officer, q="Brian Otieno") == [young, middle, old, close_name]  # oldest record first
    assert first_page(officer, q="Brian Otieno", age=9) == [middle, old, young, close_name]
    assert first_page(officer, q="Brian Otieno", age=14) == [old, middle, young, close_name]
    assert first_page(officer, q="Brian Otieno", date_of_birth=years_ago(3, 20))[0] == young
    # A range filters, and ranks by its middle.
    assert first_page(officer, q="Brian Otieno", age_min=2, age_max=10) == [middle, young, close_name]
    # The name comes before the age: "Brayan" is not put first because of his age.
    assert first_page(officer, q="Brian Otieno", age=9)[0] == middle
    assert first_page(officer, q="Brayan Otieno", age=3)[0] == close_name


def test_area_before_date_of_birth(cast: Any, people: Any, two_hats: Any) -> None:
    elsewhere = nairobi_elsewhere(cast, "Faith", "Chebet", date_of_birth=years_ago(6))
    westlands = people.nairobi_child("Faith", "Chebet", date_of_birth=years_ago(12))
    assert first_page(two_hats, q="Faith Chebet", age=6) == [westlands, elsewhere]
    assert first_page(cast.nairobi_coordinator, q="Faith Chebet", age=12) == [westlands, elsewhere]
    assert first_page(cast.nairobi_coordinator, q="Faith Chebet", age=6) == [elsewhere, westlands]


def test_ranking_never_crosses_scope(cast: Any, people: Any) -> None:
    people.turkana_child("Ekai", "Lokiru", date_of_birth=years_ago(7))
    assert first_page(cast.nairobi_officer, q="Ekai Lokiru", age=7) == []
    assert first_page(cast.nairobi_coordinator, q="Ekai Lokiru", date_of_birth=years_ago(7)) == []
    assert [p.first_name for p in first_page(cast.turkana_officer, q="Ekai Lokiru", age=7)] == ["Ekai"]


def test_a_misspelled_name_finds_the_child(cast: Any, people: Any) -> None:
    """30 generated children among 30 more with names from the same communities; each searched
    for with one slip in one of the names typed: at least 29 are on the first page."""
    rng = random.Random(13)
    targets = []
    for i in range(60):
        community = N.community_for(rng, "047")
        sex = rng.choice(["female", "male"])
        middle = N.given_name(rng, community, sex) if rng.random() < 0.5 else ""
        child = people.nairobi_child(
            N.given_name(rng, community, sex), N.family_name(rng, community), sex=sex, middle_name=middle
        )
        if i % 2 == 0:
            targets.append(child)
    hits = 0
    for child in targets:
        typed = [child.first_name, child.middle_name, child.last_name]
        typed = [name for name in typed if name]
        slip = rng.randrange(len(typed))
        typed[slip] = N.one_edit(rng, typed[slip])
        if child in first_page(cast.nairobi_officer, q=" ".join(typed)):
            hits += 1
    assert len(targets) == 30
    assert hits >= 29

"""duplicate_candidates uses identifiers first: a number verified with IPRS is a definite match,
ranked first whatever the names say; the same number not verified (or no longer matching) is a
strong candidate, not a definite one; out of scope it is not shown."""

from __future__ import annotations

from typing import Any

from cpims.registry.actions import RegisterAnswer, identifier_add, identifier_verification_record
from cpims.registry.queries import DEFINITE_SCORE, duplicate_candidates
from cpims.registry.tests.conftest import child_input, id_type, years_ago

NUMBER = "BC 2016-0042"


def _numbered(cast: Any, person: Any, verified: bool | None) -> None:
    identifier = identifier_add(actor=cast.nairobi_officer, person=person, id_type=id_type("ISOV"), value=NUMBER)
    identifier.person = person
    if verified is not None:
        answer = RegisterAnswer(
            found=True,
            first_name=person.first_name,
            last_name=person.last_name if verified else "Someoneelse",
            date_of_birth=person.date_of_birth,
        )
        identifier_verification_record(actor=cast.nairobi_officer, identifier=identifier, answer=answer)


def _typed(people: Any, first: str, last: str, **extra: Any) -> Any:
    data = child_input(first, last, ward=people.westlands_ward, date_of_birth=years_ago(8, 40), **extra)
    data.identifiers = [(id_type("ISOV"), "bc2016 0042")]
    return data


def test_a_verified_number_is_a_definite_match_ranked_first(cast: Any, people: Any) -> None:
    namesake = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 40))
    holder = people.nairobi_child("Akinyi", "Odhiambo", date_of_birth=years_ago(8, 40))
    _numbered(cast, holder, verified=True)
    candidates = duplicate_candidates(cast.nairobi_officer, _typed(people, "Wanjiku", "Kamau"))
    assert [c.person for c in candidates] == [holder, namesake]
    assert candidates[0].definite and candidates[0].score == DEFINITE_SCORE
    assert candidates[0].reasons == ["same ID number, verified with IPRS"]
    assert not candidates[1].definite


def test_an_unverified_or_mismatched_number_is_strong_not_definite(cast: Any, people: Any) -> None:
    for verified in (None, False):
        holder = people.nairobi_child("Akinyi", "Odhiambo", date_of_birth=years_ago(8, 40))
        _numbered(cast, holder, verified=verified)
        (candidate,) = duplicate_candidates(cast.nairobi_officer, _typed(people, "Neema", "Wafula"))
        assert candidate.person == holder and not candidate.definite
        assert candidate.reasons == ["same ID number"] and candidate.score >= 1.0
        holder.identifiers.all().delete()


def test_a_number_alone_finds_its_holder(cast: Any, people: Any) -> None:
    holder = people.nairobi_child("Akinyi", "Odhiambo")
    _numbered(cast, holder, verified=True)
    data = _typed(people, "", "")
    assert [c.person for c in duplicate_candidates(cast.nairobi_officer, data)] == [holder]


def test_a_verified_number_outside_scope_is_not_shown(cast: Any, people: Any) -> None:
    holder = people.nairobi_child("Akinyi", "Odhiambo")
    _numbered(cast, holder, verified=True)
    assert duplicate_candidates(cast.turkana_officer, _typed(people, "Akinyi", "Odhiambo")) == []


def test_query_count_does_not_grow_with_numbers(cast: Any, people: Any, django_assert_max_num_queries: Any) -> None:
    holder = people.nairobi_child("Akinyi", "Odhiambo")
    _numbered(cast, holder, verified=True)
    with django_assert_max_num_queries(12):
        duplicate_candidates(cast.nairobi_officer, _typed(people, "Akinyi", "Odhiambo"))


def test_the_live_check_marks_a_definite_match(client: Any, login: Any, cast: Any, people: Any) -> None:
    from django.urls import reverse

    from cpims.registry.tests.test_view_child_create import form_data

    holder = people.nairobi_child("Akinyi", "Odhiambo", date_of_birth=years_ago(8, 40))
    _numbered(cast, holder, verified=True)
    data = form_data(people, first_name="Zawadi", last_name="Mutua")
    data.update({"child-identifier_type": id_type("ISOV").pk, "child-identifier_value": "BC2016-0042"})
    login(client, cast.nairobi_officer)
    body = client.post(reverse("registry:duplicate_check"), data, headers={"HX-Request": "true"}).content.decode()
    assert holder.cpims_number in body and "Definite match" in body

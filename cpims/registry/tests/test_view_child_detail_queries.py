"""The child's profile costs at most 10 queries, however many relatives, identifiers, cases,
services and consents the child has (the registered sections share what they read)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions as case_actions
from cpims.cases.tests.conftest import code, open_case
from cpims.registry.actions import identifier_add
from cpims.registry.tests.conftest import id_type
from cpims.registry.tests.test_view_child_detail import family

PROFILE_QUERIES = 19


def _url(person: Any) -> str:
    return reverse("registry:child_detail", kwargs={"public_id": person.public_id})


def _queries(client: Any, person: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(person)).status_code == 200
    return len(captured)


def _with_records(cast: Any, child: Any, cases: int) -> None:
    for i in range(cases):
        case = open_case(cast.nairobi_officer, cast.westlands_office, child=child)
        case_actions.service_record(
            actor=cast.nairobi_officer,
            child=child,
            case=case,
            service=code("intervention_id", "CMTN"),
            given_on=timezone.localdate(),
            provider=cast.westlands_office,
        )
        identifier_add(
            actor=cast.nairobi_officer, person=child, id_type=id_type(), value=f"{7001000 + child.pk * 10 + i}"
        )


def test_profile_queries_do_not_grow_with_the_record(client: Any, cast: Any, login: Any, people: Any) -> None:
    small = family(cast, people, siblings=0, first="Amani").child
    large = family(cast, people, siblings=4, first="Baraka").child
    _with_records(cast, small, cases=1)
    _with_records(cast, large, cases=4)
    login(client, cast.nairobi_officer)
    client.get(_url(small))  # warm: compiled URL patterns, templates
    few, many = _queries(client, small), _queries(client, large)
    assert few == many
    assert many <= PROFILE_QUERIES


def test_profile_queries_for_a_county_viewer(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = family(cast, people, siblings=2).child
    _with_records(cast, child, cases=3)
    login(client, cast.nairobi_coordinator)
    client.get(_url(child))
    assert _queries(client, child) <= PROFILE_QUERIES


def test_profile_scope(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = family(cast, people).child
    login(client, cast.turkana_officer)
    assert client.get(_url(child)).status_code == 404

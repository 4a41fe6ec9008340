"""The child's profile costs at most 10 queries, however many relatives, identifiers, cases,
categories, services and consents the child has (the registered sections share what they read)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cpims.cases import actions as case_actions
from cpims.cases.tests.conftest import categories, code, open_case
from cpims.registry.actions import RegisterAnswer, identifier_add, identifier_verification_record, person_merge
from cpims.registry.tests.conftest import id_type
from cpims.registry.tests.test_view_child_detail import family

# session, user (with the grants and the session's device), the child (with the viewer's
# permissions over them and which kinds of rows are absent), identifiers, relationships (with
# which relatives the viewer may open), household members (the same), consents, cases (joined to
# their categories), services, the audit row: 10. Merges, checks with the national register and
# placements cost one query each, only for a child who has them.
PROFILE_QUERIES = 10


def _url(person: Any) -> str:
    return reverse("registry:child_detail", kwargs={"public_id": person.public_id})


def _queries(client: Any, person: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(person)).status_code == 200
    return len(captured)


def _with_records(cast: Any, child: Any, cases: int) -> None:
    for i in range(cases):
        case = open_case(
            cast.nairobi_officer, cast.westlands_office, child=child, categories=categories("CSIC", "CSNG", "CCDF")
        )
        case_actions.service_record(
            actor=cast.nairobi_officer,
            child=child,
            case=case,
            service=code("intervention_id", "CMTN"),
            given_on=timezone.localdate() - dt.timedelta(days=i),
            provider=cast.westlands_office,
        )
        identifier_add(
            actor=cast.nairobi_officer, person=child, id_type=id_type(), value=f"{7001000 + child.pk * 10 + i}"
        )


def test_profile_queries_do_not_grow_with_the_record(
    client: Any, cast: Any, login: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    small = family(cast, people, siblings=0, first="Amani").child
    large = family(cast, people, siblings=3, first="Baraka").child
    _with_records(cast, small, cases=1)
    _with_records(cast, large, cases=3)
    login(client, cast.nairobi_officer)
    client.get(_url(small))  # warm: compiled URL patterns, templates
    few, many = _queries(client, small), _queries(client, large)
    assert few == many
    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = client.get(_url(large))
    body = response.content.decode()
    assert body.count("Service: ") == 3 and body.count("Sib") >= 3
    assert body.count("Defilement") == 3  # each case's categories, read with the cases


def test_profile_queries_for_a_county_viewer(
    client: Any, cast: Any, login: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    child = family(cast, people, siblings=3).child
    _with_records(cast, child, cases=3)
    login(client, cast.nairobi_coordinator)
    client.get(_url(child))
    with django_assert_max_num_queries(PROFILE_QUERIES):
        assert client.get(_url(child)).status_code == 200


def test_merges_and_checks_are_read_only_for_a_child_who_has_them(
    client: Any, cast: Any, login: Any, people: Any
) -> None:
    child = family(cast, people, siblings=3).child
    _with_records(cast, child, cases=2)
    login(client, cast.nairobi_officer)
    client.get(_url(child))
    plain = _queries(client, child)
    duplicate = people.nairobi_child("Wanjiko", "Kamau")
    person_merge(actor=cast.nairobi_officer, survivor=child, duplicate=duplicate)
    identifier = child.identifiers.order_by("id").first()
    identifier_verification_record(
        actor=cast.nairobi_officer, identifier=identifier, answer=RegisterAnswer(found=False)
    )
    assert _queries(client, child) == plain + 2
    body = client.get(_url(child)).content.decode()
    assert duplicate.cpims_number in body and "IPRS: number not found" in body


def test_profile_scope(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = family(cast, people).child
    login(client, cast.turkana_officer)
    assert client.get(_url(child)).status_code == 404

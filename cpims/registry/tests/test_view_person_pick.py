"""registry:person_pick — the one person picker: by CPIMS number, name, phone or identifier, in the
user's scope, a short list handed back to the calling page as ?child=<public_id>."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.registry import queries
from cpims.registry.actions import identifier_add
from cpims.registry.tests.conftest import id_type

pytestmark = pytest.mark.django_db

URL = reverse("registry:person_pick")
NEXT = reverse("cases:case_create")


def _pick(client: Any, q: str, next_url: str = NEXT, htmx: bool = True) -> str:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(URL, {"q": q, "next": next_url, "kind": "child"}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _link(person: Any, next_url: str = NEXT) -> str:
    return f'href="{next_url}?child={person.public_id}"'


def test_by_number_name_phone_and_identifier(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child("Imani", "Testpick", phone="0712 345 678")
    identifier_add(actor=cast.nairobi_officer, person=child, id_type=id_type(), value="BC 4455 77")
    people.nairobi_child("Other", "Personx")
    login(client, cast.nairobi_officer)
    for q in (child.cpims_number, "Imani Testpick", "+254712345678", "0712-345-678", "BC 4455 77"):
        content = _pick(client, q)
        assert _link(child) in content, q
        assert child.sub_county.name in content
    assert "Personx" not in _pick(client, "Imani")


def test_a_caregivers_phone_finds_the_child(client: Any, cast: Any, login: Any) -> None:
    from cpims.registry.tests.scope_routes import westlands_child

    child = westlands_child(cast)
    mother = child.relationships.get(kind="mother").relative
    mother.phone = "0700 111 222"
    mother.save(update_fields=["phone"])
    login(client, cast.nairobi_officer)
    assert _link(child) in _pick(client, "0700111222")


def test_out_of_scope_people_are_not_found(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child("Imani", "Testpick")
    login(client, cast.turkana_officer)
    content = _pick(client, child.cpims_number)
    assert _link(child) not in content and 'id="person-pick-none"' in content


def test_next_must_be_a_path_on_this_site(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child("Imani", "Testpick")
    login(client, cast.nairobi_officer)
    content = _pick(client, child.cpims_number, next_url="https://elsewhere.example/steal")
    assert "elsewhere" not in content and _link(child, "/registry/") in content


def test_without_javascript_a_whole_page(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child("Imani", "Testpick")
    login(client, cast.nairobi_officer)
    content = _pick(client, child.cpims_number, htmx=False)
    assert "<html" in content and _link(child) in content


def test_search_is_audited_without_what_was_typed(client: Any, cast: Any, login: Any, people: Any) -> None:
    people.nairobi_child("Imani", "Testpick")
    login(client, cast.nairobi_officer)
    _pick(client, "Imani Testpick")
    event = AuditEvent.objects.filter(action="person.search").latest("id")
    assert event.details["via"] == "picker" and "Imani" not in str(event.details)


def test_query_count_is_bounded(
    client: Any, cast: Any, login: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        people.nairobi_child("Imani", f"Testpick{i}")
    login(client, cast.nairobi_officer)
    _pick(client, "Imani")
    with django_assert_max_num_queries(14):
        _pick(client, "Imani")


def test_phone_digits() -> None:
    assert queries.phone_digits("0712 345 678") == "712345678"
    assert queries.phone_digits("+254 112-345678") == "112345678"
    assert queries.phone_digits("12345678") == ""
    assert queries.phone_digits("Imani") == ""

"""The search page: scoped results, htmx partial, audit, constant query count."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.audit.models import AuditEvent

URL = reverse("registry:search")


def test_officer_finds_a_misspelled_child(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child("Wanjiku", "Kamau")
    login(client, cast.nairobi_officer)
    response = client.post(URL, {"q": "Kamao Wanjiko"})
    assert response.status_code == 200
    assert child.cpims_number in response.content.decode()
    assert AuditEvent.objects.filter(action="person.search", actor=cast.nairobi_officer).count() == 1


def test_names_never_go_in_the_url(client: Any, cast: Any, login: Any, people: Any) -> None:
    people.nairobi_child("Wanjiku", "Kamau")
    login(client, cast.nairobi_officer)
    page = client.get(URL).content.decode()
    assert 'method="post"' in page and "hx-post" in page
    # A GET with parameters does not search (names in URLs end up in access logs).
    client.get(URL, {"q": "Wanjiku"})
    assert not AuditEvent.objects.filter(action="person.search").exists()


def test_empty_search_shows_the_form_only(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(URL)
    assert response.status_code == 200 and 'name="q"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.search").exists()


def test_out_of_scope_children_never_appear(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child("Wanjiku", "Kamau")
    login(client, cast.turkana_officer)
    for query in ("Wanjiku Kamau", child.cpims_number):
        results = client.post(URL, {"q": query}).content.decode().split('id="results"', 1)[1]
        assert child.cpims_number not in results and "Wanjiku" not in results


def test_htmx_gets_only_the_results(client: Any, cast: Any, login: Any, people: Any) -> None:
    people.nairobi_child("Wanjiku", "Kamau")
    login(client, cast.nairobi_officer)
    response = client.post(URL, {"q": "Wanjiku"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "Wanjiku" in body


def test_without_child_view_the_page_is_forbidden(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.stakeholder)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_filter_errors_are_shown(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(URL, {"age_min": 12, "age_max": 3})
    assert "must not be below" in response.content.decode()


def test_query_count_is_constant(
    client: Any, cast: Any, login: Any, people: Any, django_assert_num_queries: Any
) -> None:
    people.nairobi_child("Amani", "Mutua")
    login(client, cast.nairobi_officer)
    client.post(URL, {"q": "Mutua"})  # warm up (session, language)
    # session + user + OTP device + grants + vocabulary + matching ids + candidates + page rows
    # + audit + counties
    with django_assert_num_queries(10):
        first = client.post(URL, {"q": "Mutua"})
    for i in range(12):
        people.nairobi_child(f"Baraka{i}", "Mutua")
    with django_assert_num_queries(10):
        second = client.post(URL, {"q": "Mutua"})
    assert first.content.decode().count("list-group-item") == 1
    assert second.content.decode().count("list-group-item") == 13


def test_the_page_speaks_kiswahili(client: Any, cast: Any, login: Any, settings: Any) -> None:
    login(client, cast.nairobi_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    body = client.get(URL).content.decode()
    assert "Tafuta mtoto" in body and "Vichujio zaidi" in body

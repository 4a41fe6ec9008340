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
    # session + user (with the grants and the OTP device) + vocabulary + matching ids + candidates
    # + page rows + audit + search hits (one insert) + counties
    with django_assert_num_queries(9):
        first = client.post(URL, {"q": "Mutua"})
    for i in range(12):
        people.nairobi_child(f"Baraka{i}", "Mutua")
    with django_assert_num_queries(9):
        second = client.post(URL, {"q": "Mutua"})
    assert first.content.decode().count("list-group-item") == 1
    assert second.content.decode().count("list-group-item") == 13


def test_the_page_speaks_kiswahili(client: Any, cast: Any, login: Any, settings: Any) -> None:
    login(client, cast.nairobi_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    body = client.get(URL).content.decode()
    assert "Tafuta mtoto" in body and "Vichujio zaidi" in body


def test_age_refinement_puts_the_closest_first(client: Any, cast: Any, login: Any, people: Any) -> None:
    from cpims.registry.tests.conftest import years_ago

    young = people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(4))
    old = people.nairobi_child("Brian", "Otieno", sex="male", date_of_birth=years_ago(13))
    login(client, cast.nairobi_officer)
    for age, first, second in ((4, young, old), (13, old, young)):
        body = client.post(URL, {"q": "Brian Otieno", "age": age}).content.decode()
        assert body.index(first.cpims_number) < body.index(second.cpims_number)
    body = client.post(URL, {"q": "Brian Otieno", "date_of_birth": years_ago(12).isoformat()}).content.decode()
    assert body.index(old.cpims_number) < body.index(young.cpims_number)


def test_bad_refinements_are_shown_not_a_500(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    for bad in ({"age": "nine"}, {"age": "-3"}, {"date_of_birth": "2020-02-30"}, {"ward": "x"}):
        response = client.post(URL, {"q": "Brian", **bad})
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.search").exists()


def test_refinements_are_offered_in_both_languages(client: Any, cast: Any, login: Any, settings: Any) -> None:
    login(client, cast.nairobi_officer)
    body = client.get(URL).content.decode()
    for name in ("age", "date_of_birth", "sex", "age_min", "age_max", "county", "sub_county", "ward"):
        assert f'name="{name}"' in body
    assert 'inputmode="numeric"' in body and "Age (about)" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    body = client.get(URL).content.decode()
    assert "Umri (takriban)" in body and "Tarehe ya kuzaliwa (ikijulikana)" in body


def test_query_count_with_refinements_is_bounded(
    client: Any, cast: Any, login: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    from cpims.registry.tests.conftest import years_ago

    for first in ("Amani", "Amania", "Amaniaa"):  # an exact and two close spellings: every tier asked
        people.nairobi_child(first, "Mutua")
    login(client, cast.nairobi_officer)
    ward = people.westlands_ward
    data = {
        "q": "Amani Mutua",
        "age": 8,
        "sex": "female",
        "county": ward.county_id,
        "sub_county": ward.sub_county_id,
        "ward": ward.pk,
    }
    client.post(URL, data)  # warm up (session, language)
    # a plain name search's, two more candidate tiers, the form's sub-county and ward choices
    with django_assert_max_num_queries(20) as few:
        client.post(URL, data)
    for i in range(25):
        people.nairobi_child(f"Amani{'a' * (i % 3)}", "Mutua", date_of_birth=years_ago(i % 17))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.post(URL, data).content.decode()
    assert body.count("list-group-item") == 20  # a full first page costs no more queries

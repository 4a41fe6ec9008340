"""The registration page: a child with a caregiver and a sibling; duplicates shown before saving;
bad input re-renders with a clear message and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.registry.models import Household, Person, Relationship
from cpims.registry.tests.conftest import years_ago

URL = reverse("registry:child_create")


def form_data(people: Any, **child: Any) -> dict[str, Any]:
    ward = people.westlands_ward
    data = {
        "child-org_unit": people.cast.westlands_office.pk,
        "child-first_name": "Wanjiku",
        "child-last_name": "Kamau",
        "child-sex": "female",
        "child-date_of_birth": years_ago(8, 40).isoformat(),
        "child-county": ward.county_id,
        "child-sub_county": ward.sub_county_id,
        "child-ward": ward.pk,
        "child-birth_certificate": "unknown",
        "child-consent_given_by": "guardian",
        "child-consent_date": timezone.localdate().isoformat(),
        "carer-TOTAL_FORMS": 2,
        "carer-INITIAL_FORMS": 0,
        "carer-0-kind": "mother",
        "carer-0-parent_status": "alive",
        "carer-0-first_name": "Njeri",
        "carer-0-last_name": "Wambui",
        "carer-0-sex": "female",
        "carer-0-age_years": 35,
        "carer-0-lives_with_child": "on",
        "carer-1-kind": "father",
        "carer-1-parent_status": "deceased",
        "sibling-TOTAL_FORMS": 2,
        "sibling-INITIAL_FORMS": 0,
        "sibling-0-first_name": "Mwangi",
        "sibling-0-last_name": "Kamau",
        "sibling-0-sex": "male",
        "sibling-0-age_years": 5,
        "carer-1-first_name": "",
        "sibling-1-first_name": "",
    }
    data.update({f"child-{k}": v for k, v in child.items()})
    return data


def test_the_page_renders_with_the_officers_area_preselected(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Westlands" in body and 'name="carer-0-kind"' in body and 'name="sibling-0-first_name"' in body


def test_register_a_child_with_a_caregiver_and_a_sibling(client: Any, cast: Any, login: Any, people: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(URL, form_data(people))
    child = Person.objects.get(first_name="Wanjiku")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:child_detail", kwargs={"public_id": child.public_id})
    assert Person.objects.count() == 3  # child, mother, sibling
    assert Relationship.objects.filter(child=child).count() == 3  # mother, dead father, sibling
    assert Household.objects.count() == 1
    assert AuditEvent.objects.filter(action="person.create").count() == 3
    followed = client.get(response["Location"]).content.decode()
    assert child.cpims_number in followed and "Orphan: father deceased" in followed


def test_a_likely_duplicate_is_shown_before_saving(client: Any, cast: Any, login: Any, people: Any) -> None:
    original = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 40))
    login(client, cast.nairobi_officer)
    data = form_data(people, first_name="Wanjiko", last_name="Kamao")
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "may already be registered" in body and original.cpims_number in body
    assert Person.objects.count() == 1  # nothing written yet
    response = client.post(URL, {**data, "child-register_anyway": "on"})
    assert response.status_code == 302
    assert Person.objects.filter(first_name="Wanjiko").exists()


def test_bad_input_is_explained_and_nothing_written(client: Any, cast: Any, login: Any, people: Any) -> None:
    login(client, cast.nairobi_officer)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(URL, form_data(people, date_of_birth=future))
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    other_ward = people.turkana_ward.pk  # not in the chosen sub-county
    response = client.post(URL, form_data(people, ward=other_ward))
    assert "Unknown ward" in response.content.decode()
    data = form_data(people)
    data["carer-0-date_of_birth"] = future
    response = client.post(URL, data)
    assert "cannot be in the future" in response.content.decode()
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_duplicate_identifier_is_explained(client: Any, cast: Any, login: Any, people: Any) -> None:
    from cpims.registry.tests.conftest import id_type

    people.nairobi_child("Brian", "Otieno", identifiers=[(id_type(), "556677")])
    login(client, cast.nairobi_officer)
    data = form_data(people, identifier_type=id_type().pk, identifier_value="556-677")
    response = client.post(URL, data)
    assert "already registered to another person" in response.content.decode()
    assert Person.objects.count() == 1


def test_only_users_who_may_register(client: Any, cast: Any, login: Any) -> None:
    for user in (cast.national_me, cast.stakeholder, cast.admin):
        login(client, user)
        assert client.get(URL).status_code == 403


def test_live_duplicate_check(client: Any, cast: Any, login: Any, people: Any) -> None:
    original = people.nairobi_child("Wanjiku", "Kamau", date_of_birth=years_ago(8, 40))
    login(client, cast.nairobi_officer)
    url = reverse("registry:duplicate_check")
    response = client.post(url, form_data(people, first_name="Wanjiko"), headers={"HX-Request": "true"})
    assert original.cpims_number in response.content.decode()
    response = client.post(url, form_data(people, first_name="Zawadi", last_name="Mutua"))
    assert "No similar record" in response.content.decode()


def test_area_options(client: Any, cast: Any, login: Any, people: Any) -> None:
    login(client, cast.nairobi_officer)
    ward = people.westlands_ward
    response = client.get(reverse("geo:area_options"), {"level": "ward", "child-sub_county": ward.sub_county_id})
    assert ward.name in response.content.decode()
    response = client.get(reverse("geo:area_options"), {"level": "sub_county", "county": ward.county_id})
    assert "Westlands" in response.content.decode()

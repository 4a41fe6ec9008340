"""Editing a child: in scope with child.update only (403 read-only, 404 out of scope); stale edits refused."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.registry.actions import person_create
from cpims.registry.models import Person
from cpims.registry.tests.conftest import child_input


def url(person: Any) -> str:
    return reverse("registry:child_edit", kwargs={"public_id": person.public_id})


def edit_data(person: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat(),
        "county": person.county_id,
        "sub_county": person.sub_county_id,
        "ward": person.ward_id,
        "birth_certificate": person.birth_certificate,
        "updated_at": person.updated_at.isoformat(),
    }
    data.update(changes)
    return data


def test_officer_edits(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    login(client, cast.nairobi_officer)
    assert client.get(url(child)).status_code == 200
    response = client.post(url(child), edit_data(child, first_name="Wanjiru", school_name="Kangemi Primary"))
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.first_name, child.school_name) == ("Wanjiru", "Kangemi Primary")


def test_stale_edit_is_refused_with_a_clear_message(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    stale = edit_data(child, first_name="Wanjiru")
    login(client, cast.nairobi_coordinator)
    client.post(url(child), edit_data(child, village="Kangemi"))
    login(client, cast.nairobi_officer)
    response = client.post(url(child), stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert Person.objects.get(pk=child.pk).first_name == "Wanjiku"


def test_read_only_gets_403_and_out_of_scope_404(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = person_create(actor=cast.partner, org_unit=cast.nairobi_ngo, data=child_input(ward=people.westlands_ward))
    login(client, cast.partner)  # sees what the NGO registered, may not edit
    assert client.get(reverse("registry:child_detail", kwargs={"public_id": child.public_id})).status_code == 200
    assert client.get(url(child)).status_code == 403
    assert client.post(url(child), edit_data(child, first_name="X")).status_code == 403
    login(client, cast.national_me)
    assert client.get(url(child)).status_code == 403
    login(client, cast.turkana_officer)
    assert client.get(url(child)).status_code == 404
    assert Person.objects.get(pk=child.pk).first_name == "Wanjiku"


def test_bad_edit_writes_nothing(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    login(client, cast.nairobi_officer)
    response = client.post(url(child), edit_data(child, date_of_birth="2999-01-01"))
    assert "cannot be in the future" in response.content.decode()
    assert Person.objects.get(pk=child.pk).date_of_birth == child.date_of_birth

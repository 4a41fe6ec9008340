"""Adding a caregiver or sibling to a child; changing a relationship (a parent died)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.registry.models import HouseholdMember, Person, Relationship


def url(person: Any) -> str:
    return reverse("registry:caregiver_add", kwargs={"public_id": person.public_id})


def test_add_a_new_guardian_and_link_a_registered_sibling(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    brother = people.nairobi_child("Mwangi", "Kamau", sex="male")
    login(client, cast.nairobi_officer)
    response = client.post(
        url(child),
        {
            "kind": "guardian",
            "parent_status": "alive",
            "first_name": "Grace",
            "last_name": "Wairimu",
            "sex": "female",
            "lives_with_child": "on",
        },
    )
    assert response.status_code == 302
    grace = Person.objects.get(first_name="Grace")
    assert grace.kind == "caregiver" and grace.ward == child.ward
    assert Relationship.objects.filter(child=child, relative=grace, kind="guardian").exists()
    response = client.post(
        url(child), {"kind": "sibling", "parent_status": "alive", "existing_number": brother.cpims_number}
    )
    assert response.status_code == 302
    assert Relationship.objects.filter(child=child, relative=brother, kind="sibling").exists()


def test_second_mother_and_unknown_numbers_are_refused(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    turkana = people.turkana_child()
    login(client, cast.nairobi_officer)
    mother = {"kind": "mother", "parent_status": "deceased"}
    assert client.post(url(child), mother).status_code == 302
    response = client.post(url(child), mother)
    assert "already has a mother" in response.content.decode()
    response = client.post(
        url(child), {"kind": "sibling", "parent_status": "alive", "existing_number": turkana.cpims_number}
    )
    assert "No record with this CPIMS number" in response.content.decode()
    assert Relationship.objects.filter(child=child).count() == 1


def test_read_only_and_out_of_scope(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    login(client, cast.national_me)
    assert client.get(url(child)).status_code == 403
    login(client, cast.turkana_officer)
    assert client.get(url(child)).status_code == 404


def test_record_that_a_parent_died(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    login(client, cast.nairobi_officer)
    client.post(
        url(child),
        {
            "kind": "father",
            "parent_status": "alive",
            "first_name": "Joseph",
            "last_name": "Kamau",
            "sex": "male",
            "lives_with_child": "on",
        },
    )
    rel = Relationship.objects.get(child=child, kind="father")
    father = rel.relative
    edit = reverse(
        "registry:relationship_edit", kwargs={"public_id": child.public_id, "relationship_id": rel.public_id}
    )
    response = client.post(edit, {"parent_status": "deceased", "lives_with_child": "on"})
    assert response.status_code == 302
    rel.refresh_from_db()
    assert rel.parent_status == "deceased" and rel.lives_with_child is False
    assert Person.objects.orphans().filter(pk=child.pk).exists()
    # He had joined the child's household when added; as he died, he left it.
    assert HouseholdMember.objects.filter(person=father).count() == 1
    assert not HouseholdMember.objects.filter(person=father, is_active=True).exists()
    assert HouseholdMember.objects.filter(person=child, is_active=True).exists()
    login(client, cast.turkana_officer)
    assert client.get(edit).status_code == 404

"""The child's page: details, family, identifiers, consent, timeline; scoped; audited; constant
query count; merged numbers lead to the survivor."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.registry.actions import PersonInput, RelativeInput, child_register, person_merge
from cpims.registry.tests.conftest import child_input


def url(person: Any) -> str:
    return reverse("registry:child_detail", kwargs={"public_id": person.public_id})


def family(cast: Any, people: Any, siblings: int = 0, first: str = "Wanjiku") -> Any:
    relatives = [
        RelativeInput(
            kind="mother", person=PersonInput(first_name="Njeri", last_name="Wambui", sex="female", kind="caregiver")
        ),
        RelativeInput(kind="father", parent_status="deceased"),
    ]
    relatives += [
        RelativeInput(
            kind="sibling", person=PersonInput(first_name=f"Sib{i}", last_name="Kamau", sex="male", age_years=4)
        )
        for i in range(siblings)
    ]
    return child_register(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        child=child_input(first, "Kamau", ward=people.westlands_ward),
        relatives=relatives,
        consent_given_by="guardian",
    )


def test_the_profile_shows_the_whole_record(client: Any, cast: Any, login: Any, people: Any) -> None:
    reg = family(cast, people, siblings=1)
    login(client, cast.nairobi_officer)
    response = client.get(url(reg.child))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (reg.child.cpims_number, "Njeri", "Sib0", "Orphan: father deceased", "Registration", "Timeline"):
        assert text in body
    event = AuditEvent.objects.get(action="person.view")
    assert event.actor == cast.nairobi_officer and event.object_id == str(reg.child.public_id)


def test_out_of_scope_is_404(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    for user in (cast.turkana_officer, cast.turkana_coordinator, cast.stakeholder, cast.admin):
        login(client, user)
        assert client.get(url(child)).status_code == 404
    assert not AuditEvent.objects.filter(action="person.view").exists()
    login(client, cast.nairobi_coordinator)
    assert client.get(url(child)).status_code == 200
    login(client, cast.national_me)
    assert client.get(url(child)).status_code == 200


def test_read_only_viewers_get_no_edit_buttons(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    login(client, cast.national_me)
    body = client.get(url(child)).content.decode()
    assert reverse("registry:child_edit", kwargs={"public_id": child.public_id}) not in body
    login(client, cast.nairobi_officer)
    body = client.get(url(child)).content.decode()
    assert reverse("registry:child_edit", kwargs={"public_id": child.public_id}) in body


def test_query_count_does_not_grow_with_the_family(
    client: Any, cast: Any, login: Any, people: Any, django_assert_num_queries: Any
) -> None:
    small = family(cast, people, siblings=0, first="Amani").child
    large = family(cast, people, siblings=4, first="Baraka").child
    login(client, cast.nairobi_officer)
    client.get(url(small))
    # session, user (with the grants and the session's device), person (with the viewer's
    # permissions over the child and whether there are merges, checks, cases, services or
    # placements to read: none here), identifiers, relationships (both directions, with which
    # relatives the viewer may open), household members (the same), consents, audit: 8 (see
    # test_view_child_detail_queries.py for a fuller record)
    with django_assert_num_queries(8):
        assert client.get(url(small)).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(url(large)).status_code == 200


def test_merged_record_and_number_lead_to_the_survivor(client: Any, cast: Any, login: Any, people: Any) -> None:
    survivor = people.nairobi_child()
    duplicate = people.nairobi_child("Wanjiko", "Kamau")
    person_merge(actor=cast.nairobi_officer, survivor=survivor, duplicate=duplicate)
    login(client, cast.nairobi_officer)
    response = client.get(url(duplicate))
    assert response.status_code == 302 and response["Location"] == url(survivor)
    by_number = reverse("registry:by_number", kwargs={"number": duplicate.cpims_number})
    assert client.get(by_number)["Location"] == url(survivor)
    assert client.get(reverse("registry:by_number", kwargs={"number": "CP00000000"})).status_code == 404
    login(client, cast.turkana_officer)
    assert client.get(url(duplicate)).status_code == 404
    assert client.get(by_number).status_code == 404

"""Who saw this child: events on the child and their cases, for child.access_log holders in scope;
paged; CSV with formulas neutralised; looking is audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.audit.actions import audit_record
from cpims.audit.models import AuditEvent


def url(child: Any, name: str = "registry:access_log") -> str:
    return reverse(name, kwargs={"public_id": child.public_id})


def test_lists_who_opened_the_child_and_their_case(client: Any, cast: Any, login: Any, people: Any) -> None:
    from cpims.cases.tests.conftest import open_case

    child = people.nairobi_child()
    case = open_case(cast.nairobi_officer, cast.westlands_office, child=child)
    login(client, cast.nairobi_officer)
    client.get(reverse("registry:child_detail", kwargs={"public_id": child.public_id}))
    client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    login(client, cast.nairobi_coordinator)
    profile = client.get(reverse("registry:child_detail", kwargs={"public_id": child.public_id})).content.decode()
    assert url(child) in profile
    response = client.get(url(child))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Opened the child&#x27;s record" in body and "Opened a case" in body
    assert case.case_number in body
    assert cast.nairobi_officer.username in body or cast.nairobi_officer.get_full_name() in body
    assert cast.westlands_office.name in body
    # No internal ids to paste: the child's id appears only inside the page's own links.
    links = (
        url(child),
        url(child, "registry:access_log_export"),
        reverse("registry:child_detail", args=[child.public_id]),
    )
    for link in links:
        body = body.replace(link, "")
    assert str(child.public_id) not in body and str(case.public_id) not in body
    event = AuditEvent.objects.filter(action="person.access_log").get()
    assert event.actor == cast.nairobi_coordinator and event.object_id == str(child.public_id)


def test_scope(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    for user, status in (
        (cast.nairobi_coordinator, 200),
        (cast.national_me, 200),
        (cast.nairobi_officer, 403),
        (cast.turkana_coordinator, 404),
        (cast.admin, 404),
    ):
        login(client, user)
        assert client.get(url(child)).status_code == status, user
        assert client.get(url(child, "registry:access_log_export")).status_code == status, user
    profile = client.get(reverse("registry:child_detail", kwargs={"public_id": child.public_id}))
    assert profile.status_code == 404


def test_paged_fifty_with_constant_queries(
    client: Any, cast: Any, login: Any, people: Any, django_assert_max_num_queries: Any
) -> None:
    child = people.nairobi_child()
    for _i in range(55):
        audit_record(actor=cast.nairobi_officer, action="person.view", obj=child, object_label=child.cpims_number)
    login(client, cast.nairobi_coordinator)
    response = client.get(url(child))
    assert len(response.context["entries"]) == 50 and response.context["page"].has_next
    second = client.get(url(child) + "?page=2")
    assert len(second.context["entries"]) == 7  # 55 views, the registration, the first visit: 57
    with django_assert_max_num_queries(12):
        client.get(url(child) + "?page=2")


def test_csv_export_neutralises_formulas_and_is_audited(client: Any, cast: Any, login: Any, people: Any) -> None:
    child = people.nairobi_child()
    audit_record(actor=None, actor_username="=HYPERLINK(1)", action="person.view", obj=child)
    login(client, cast.nairobi_coordinator)
    response = client.get(url(child, "registry:access_log_export"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in text
    assert str(child.public_id) not in text
    event = AuditEvent.objects.get(action="person.access_log_export")
    assert event.details["rows"] == 2  # the formula row and the registration

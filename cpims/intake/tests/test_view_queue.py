from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.intake.tests.conftest import make_report

URL = reverse("intake:queue")


def test_officer_sees_reports_of_their_sub_county(client: Any, cast: Any, login: Any) -> None:
    westlands = make_report()
    turkana = make_report("turkana")
    login(client, cast.nairobi_officer)
    html = client.get(URL).content.decode()
    assert westlands.reference in html and turkana.reference not in html


def test_turkana_officer_never_sees_westlands(client: Any, cast: Any, login: Any) -> None:
    westlands = make_report()
    turkana = make_report("turkana")
    login(client, cast.turkana_officer)
    for show in ("new", "triaged", "all"):
        html = client.get(URL, {"show": show}).content.decode()
        assert westlands.reference not in html
    assert turkana.reference in client.get(URL).content.decode()


def test_county_coordinator_sees_county_only_reports(client: Any, cast: Any, login: Any) -> None:
    county_only = make_report("nairobi")
    assert county_only.office == cast.nairobi_office and county_only.sub_county is None
    login(client, cast.nairobi_coordinator)
    assert county_only.reference in client.get(URL).content.decode()
    client.logout()
    login(client, cast.nairobi_officer)
    assert county_only.reference not in client.get(URL).content.decode()


def test_roles_without_triage_get_403(client: Any, cast: Any, login: Any) -> None:
    for user in (cast.partner, cast.stakeholder, cast.admin, cast.national_me):
        client.logout()
        login(client, user)
        assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client: Any, cast: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_urgent_first_and_triaged_filter(client: Any, cast: Any, login: Any) -> None:
    from cpims.intake.actions import report_dismiss

    calm = make_report()
    urgent = make_report(urgent=True)
    done = make_report()
    report_dismiss(actor=cast.nairobi_officer, report=done, reason="duplicate")
    login(client, cast.nairobi_officer)
    page = client.get(URL).context["page"]
    assert [r.reference for r in page.object_list] == [urgent.reference, calm.reference]
    triaged = client.get(URL, {"show": "triaged"}).context["page"]
    assert [r.reference for r in triaged.object_list] == [done.reference]


def test_query_count_does_not_grow_with_the_page(client: Any, cast: Any, login: Any) -> None:
    make_report()
    login(client, cast.nairobi_officer)
    client.get(URL)  # warm up (session, grants)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for _ in range(12):
        make_report(ward=None)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 13
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 8

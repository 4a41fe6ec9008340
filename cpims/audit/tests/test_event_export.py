from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse

from cpims.audit.export import neutralise
from cpims.audit.models import AuditEvent
from cpims.audit.tests.factories import make_event, nairobi

pytestmark = pytest.mark.django_db

URL = reverse("audit:event_export")


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def exports():
    return AuditEvent.objects.filter(action="audit.export")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://example.invalid")', '\'=HYPERLINK("http://example.invalid")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("who", ["nairobi_officer", "stakeholder"])
def test_others_get_403_and_the_attempt_is_recorded(client, login, cast, who):
    response = login(client, getattr(cast, who)).get(URL)
    assert response.status_code == 403
    assert exports().get().outcome == AuditEvent.Outcome.DENIED


@pytest.mark.parametrize("who", ["admin", "national_me"])
def test_export_holds_the_filtered_events_in_kenya_time(client, login, cast, who):
    make_event(
        at=nairobi(2025, 7, 1, 0, 30),
        actor=cast.nairobi_officer,
        action="case.view",
        object_type="cases.case",
        object_id="c-1",
        object_label="CASE/274/2025/0001",
        details={"section": "summary"},
    )
    make_event(at=nairobi(2025, 7, 1, 9, 0), actor=cast.turkana_officer, action="case.print")
    response = login(client, getattr(cast, who)).get(URL, {"action": "case.view"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cpims-audit-')
    assert response["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert rows[0][:3] == ["Time (Kenya)", "User name", "Action"]
    assert rows[1:] == [
        [
            "2025-07-01T00:30:00+03:00",
            "nairobi_officer",
            "case.view",
            "success",
            "cases.case",
            "c-1",
            "CASE/274/2025/0001",
            "",
            '{"section": "summary"}',
        ]
    ]


def test_export_neutralises_formulas(client, login, cast):
    make_event(actor_username="=cmd|' /C calc'!A0", action="auth.login", outcome="failure", object_label="+SUM(1)")
    make_event(action="x.y", object_type="t.t", object_id="-1", object_label="@evil", ip="192.0.2.1")
    rows = read_csv(login(client, cast.admin).get(URL))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'+SUM(1)" in cells
    assert "'-1" in cells
    assert "'@evil" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_export_is_audited_with_filters_and_row_count(client, login, cast):
    make_event(action="case.view", outcome="denied")
    make_event(action="case.view", outcome="denied")
    make_event(action="case.view")
    login(client, cast.national_me).get(URL, {"outcome": "denied", "date_from": "2025-01-01"})
    event = exports().get()
    assert event.actor == cast.national_me
    assert event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.details == {
        "format": "csv",
        "rows": 2,
        "filters": {"outcome": "denied", "date_from": "2025-01-01"},
    }


def test_export_does_not_include_its_own_event(client, login, cast):
    make_event(action="case.view")
    rows = read_csv(login(client, cast.admin).get(URL))
    assert "case.view" in [row[2] for row in rows[1:]]
    assert "audit.export" not in [row[2] for row in rows[1:]]


def test_bad_filters_send_back_to_the_list(client, login, cast):
    response = login(client, cast.admin).get(URL, {"date_from": "2025-07-02", "date_to": "2025-07-01"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("audit:event_list") + "?")
    assert "date_from=2025-07-02" in response.url
    assert not exports().exists()


def test_too_many_rows_are_refused_with_a_message(client, login, cast):
    for _ in range(3):
        make_event()
    login(client, cast.admin)
    with mock.patch("cpims.audit.export.MAX_ROWS", 2):
        response = client.get(URL, follow=True)
    assert b"Narrow the filters" in response.content
    assert not exports().exists()


def test_query_count_does_not_grow_with_the_rows(client, login, cast, django_assert_max_num_queries):
    login(client, cast.admin)
    for _ in range(3):
        make_event()
    with django_assert_max_num_queries(12) as few:
        read_csv(client.get(URL))
    for _ in range(30):
        make_event(actor=cast.nairobi_officer)
    with django_assert_max_num_queries(12) as many:
        read_csv(client.get(URL))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_header_is_in_the_users_language(client, login, cast):
    rows = read_csv(login(client, cast.admin).get(URL, HTTP_ACCEPT_LANGUAGE="sw"))
    assert rows[0][:3] == ["Saa (Kenya)", "Jina la mtumiaji", "Kitendo"]

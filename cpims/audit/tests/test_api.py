from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpims.audit.models import AuditEvent
from cpims.audit.tests.factories import make_event, nairobi

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cpims.audit.tests.api_urls")]

URL = "/api/v1/audit-events/"
FIELDS = {
    "at",
    "actor",
    "actor_username",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "object_label",
    "ip",
    "details",
}


def api_searches():
    return AuditEvent.objects.filter(action="audit.search", details__via="api")


@pytest.mark.parametrize("who", ["admin", "national_me"])
def test_audit_readers_list_events(client, login, cast, who):
    login(client, getattr(cast, who))
    make_event(actor=cast.nairobi_officer, action="case.view", object_type="cases.case", object_id="c-1")
    make_event(actor_username="ghost", action="auth.login", outcome="failure")
    response = client.get(URL)
    assert response.status_code == 200
    results = response.json()["results"][:2]
    assert [r["action"] for r in results] == ["auth.login", "case.view"]
    assert set(results[0]) == FIELDS  # no database id
    assert results[0]["actor"] is None
    assert results[1]["actor"] == str(cast.nairobi_officer.public_id)


def test_filters_match_the_list_page(client, login, cast):
    make_event(at=nairobi(2025, 6, 30, 23, 59, 59), actor=cast.nairobi_officer, action="case.view")
    make_event(at=nairobi(2025, 7, 1, 0, 0, 0), actor=cast.turkana_officer, action="case.view")
    make_event(at=nairobi(2025, 7, 1, 8, 0, 0), actor=cast.turkana_officer, action="case.print", outcome="denied")
    login(client, cast.admin)

    def actions(**params):
        return [(r["actor_username"], r["action"]) for r in client.get(URL, params).json()["results"]]

    assert actions(date_from="2025-07-01", action="case.view") == [("turkana_officer", "case.view")]
    assert actions(date_to="2025-06-30") == [("nairobi_officer", "case.view")]
    assert actions(username="turkana_officer", outcome="denied") == [("turkana_officer", "case.print")]


def test_bad_filters_answer_400_with_messages(client, login, cast):
    response = login(client, cast.admin).get(URL, {"date_from": "2025-07-02", "date_to": "2025-07-01"})
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in str(response.json())
    assert not api_searches().exists()


def test_reading_is_audited(client, login, cast):
    login(client, cast.national_me).get(URL, {"action": "auth.login"})
    event = api_searches().get()
    assert event.actor == cast.national_me
    assert event.details == {"via": "api", "filters": {"action": "auth.login"}}


@pytest.mark.parametrize("who", ["nairobi_officer", "stakeholder"])
def test_others_get_403_and_the_attempt_is_recorded(client, login, cast, who):
    response = login(client, getattr(cast, who)).get(URL)
    assert response.status_code == 403
    denied = AuditEvent.objects.get(action="audit.search")
    assert (denied.outcome, denied.details) == ("denied", {"via": "api"})


def test_anonymous_is_refused(client, db):
    assert client.get(URL).status_code == 401
    assert not AuditEvent.objects.filter(action="audit.search").exists()


def test_cursor_pages_and_constant_queries(client, login, cast):
    login(client, cast.admin)
    for _ in range(3):
        make_event(actor=cast.nairobi_officer)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for user in cast.users().values():
        for _ in range(10):
            make_event(actor=user)
    with CaptureQueriesContext(connection) as many:
        body = client.get(URL).json()
    assert len(body["results"]) == 50
    assert body["next"] and "cursor=" in body["next"]
    assert len(many.captured_queries) == len(few.captured_queries)
    second = client.get(body["next"]).json()
    assert {r["at"] for r in second["results"]}.isdisjoint({r["at"] for r in body["results"][:-1]})


def test_schema_is_clean(tmp_path):
    # --fail-on-warn: every field and parameter resolved; --validate: valid OpenAPI 3.
    call_command(
        "spectacular",
        urlconf="cpims.audit.tests.api_urls",
        file=str(tmp_path / "schema.yml"),
        fail_on_warn=True,
        validate=True,
    )
    schema = (tmp_path / "schema.yml").read_text()
    for name in ("username", "object_type", "date_from", "date_to", "cursor"):
        assert f"name: {name}" in schema

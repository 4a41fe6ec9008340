"""The court API: sessions, orders and summons per case — list, read, create, update; the same
scope rules as the pages (outside 404, read-only 403); bad input 400; stale update 400; clean
OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cpims.api.tests.schema import clean_schema
from cpims.court.models import CourtOrder, CourtSession, Summons
from cpims.court.tests.conftest import days

pytestmark = [pytest.mark.urls("cpims.court.tests.api_urls"), pytest.mark.django_db]
SESSIONS = "/api/v1/court-sessions/"
ORDERS = "/api/v1/court-orders/"
SUMMONSES = "/api/v1/summonses/"


@pytest.fixture
def api(cast: Any, login: Any) -> Any:
    def as_user(user: Any) -> APIClient:
        return login(APIClient(), user)

    return as_user


def session_payload(case: Any, court: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "case": str(case.public_id),
        "session_type": "STHR",
        "held_on": days(-1).isoformat(),
        "court": str(court.public_id),
        "outcome": "CADJ",
        "next_date": days(9).isoformat(),
    }
    data.update(changes)
    return data


def results(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def test_session_order_summons_round_trip(api: Any, cast: Any, westlands_case: Any, court: Any) -> None:
    client = api(cast.nairobi_officer)
    created = client.post(SESSIONS, session_payload(westlands_case, court), format="json")
    assert created.status_code == 201, created.json()
    session = created.json()
    assert session["session_type"] == "STHR" and session["version"] == 1 and session["court_label"] == court.name
    order = client.post(
        ORDERS, {"session": session["public_id"], "order_type": "OSUP", "period_months": 6}, format="json"
    )
    assert order.status_code == 201, order.json()
    read = client.get(f"{SESSIONS}{session['public_id']}/").json()
    assert [o["order_type"] for o in read["orders"]] == ["OSUP"]
    updated = client.put(
        f"{SESSIONS}{session['public_id']}/",
        {**session_payload(westlands_case, court, next_date=days(12).isoformat()), "version": 1},
        format="json",
    )
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = client.put(
        f"{SESSIONS}{session['public_id']}/", {**session_payload(westlands_case, court), "version": 1}, format="json"
    )
    assert stale.status_code == 400 and "Someone else changed" in stale.json()["detail"] + str(stale.json())
    summons = client.post(
        SUMMONSES,
        {"case": str(westlands_case.public_id), "person_role": "Father", "issued_on": days(0), "due_on": days(5)},
        format="json",
    )
    assert summons.status_code == 201, summons.json()
    marked = client.put(f"{SUMMONSES}{summons.json()['public_id']}/", {"honoured": False}, format="json")
    assert marked.status_code == 200 and marked.json()["status"] == "not_honoured"
    assert [s["public_id"] for s in results(client.get(SESSIONS, {"case": str(westlands_case.public_id)}))] == [
        session["public_id"]
    ]
    assert len(results(client.get(ORDERS, {"case": str(westlands_case.public_id)}))) == 1
    assert results(client.get(SUMMONSES, {"case": "not-a-uuid"})) == []


def test_bad_input_is_400_with_field_errors(api: Any, cast: Any, westlands_case: Any, court: Any) -> None:
    client = api(cast.nairobi_officer)
    response = client.post(
        SESSIONS, session_payload(westlands_case, court, next_date=days(-5).isoformat()), format="json"
    )
    assert response.status_code == 400 and "next_date" in response.json()["errors"]
    response = client.post(SESSIONS, session_payload(westlands_case, court, session_type="NOPE"), format="json")
    assert response.status_code == 400 and "session_type" in response.json()["errors"]
    assert not CourtSession.objects.exists()


def test_scope(api: Any, cast: Any, session: Any) -> None:
    detail = f"{SESSIONS}{session.public_id}/"
    payload = {**session_payload(session.case, session.court), "version": 1}
    for user in ("turkana_officer", "turkana_coordinator"):
        client = api(getattr(cast, user))
        assert client.get(detail).status_code == 404
        assert results(client.get(SESSIONS)) == []
        assert client.put(detail, payload, format="json").status_code == 404
        assert client.post(SESSIONS, session_payload(session.case, session.court), format="json").status_code == 404
    partner = api(cast.partner)  # case.view but not case.update, and no access to this case
    assert partner.get(detail).status_code == 404 and results(partner.get(SESSIONS)) == []
    assert partner.put(detail, payload, format="json").status_code == 403
    assert api(cast.stakeholder).get(SESSIONS).status_code == 403
    national = api(cast.national_me)
    assert national.get(detail).status_code == 200
    assert national.put(detail, payload, format="json").status_code == 403
    assert national.post(SUMMONSES, {}, format="json").status_code == 403
    assert APIClient().get(SESSIONS).status_code == 401
    assert CourtSession.objects.get().version == 1 and not Summons.objects.exists() and not CourtOrder.objects.exists()


def test_schema_is_clean() -> None:
    schema = clean_schema("cpims.court.tests.api_urls")
    assert {"/api/v1/court-sessions/", "/api/v1/court-sessions/{public_id}/", "/api/v1/summonses/{public_id}/"} <= set(
        schema["paths"]
    )

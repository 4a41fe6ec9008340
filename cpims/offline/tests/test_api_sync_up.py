"""api:offline-sync (POST): sync up — applied through the existing actions, idempotent, with
duplicate, conflict, invalid and forbidden answers; never a 500."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.cases import actions as case_actions
from cpims.cases.models import Case, FollowUp, ServiceRecord
from cpims.cases.tests.conftest import make_child, open_case, ward_in
from cpims.intake.models import IntakeReport
from cpims.offline import actions
from cpims.offline.models import AppliedItem, SyncLog
from cpims.offline.tests.conftest import device_of, item, up
from cpims.registry.models import Person

CHILD = {"first_name": "Zawadi", "last_name": "Testchild", "sex": "female", "age_years": 9}


def _child(cast: Any) -> dict[str, Any]:
    return {**CHILD, "ward": ward_in(cast.westlands_office).code}


def _results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_service_followup_note_and_intake_are_applied_under_the_users_name(
    client: Any, cast: Any, login: Any, officer_device: Any
) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    today = timezone.localdate()
    login(client, cast.nairobi_officer)
    items = [
        item("service", {"service": "CMTN", "given_on": today.isoformat(), "notes": "Food"}, target=case.public_id),
        item(
            "followup",
            {"due_on": (today + dt.timedelta(days=7)).isoformat(), "purpose": "School visit"},
            target=case.public_id,
        ),
        item("case_note", {"text": "Met the grandmother."}, target=case.public_id, base_version=1),
        item(
            "intake",
            {"what_happened": "A neighbour reports a boy out of school for weeks.", "county": "county-047"},
        ),
    ]
    results = _results(up(client, officer_device, items))
    assert [r["status"] for r in results] == ["applied"] * 4, results
    assert [r["client_id"] for r in results] == [i["client_id"] for i in items]
    record = ServiceRecord.objects.get()
    assert str(record.public_id) == results[0]["id"] and record.recorded_by == cast.nairobi_officer
    assert FollowUp.objects.get(public_id=results[1]["id"]).purpose == "School visit"
    case.refresh_from_db()
    assert case.notes.endswith("Met the grandmother.")
    assert IntakeReport.objects.get(public_id=results[3]["id"]).recorded_by == cast.nairobi_officer
    assert AuditEvent.objects.filter(action="case.service", actor=cast.nairobi_officer).count() == 1
    log = SyncLog.objects.get(direction="up")
    assert log.items == 4 and log.results == {"applied": 4}
    sync = AuditEvent.objects.get(action="offline.sync")
    assert sync.details["results"] == {"applied": 4} and "grandmother" not in str(sync.details)


def test_a_retried_item_is_applied_once(client: Any, cast: Any, login: Any, officer_device: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    one = item("service", {"service": "CMTN", "given_on": timezone.localdate().isoformat()}, target=case.public_id)
    first = _results(up(client, officer_device, [one]))[0]
    again = _results(up(client, officer_device, [one]))[0]
    assert first["status"] == "applied" and again == {
        "client_id": one["client_id"],
        "status": "already_applied",
        "id": first["id"],
    }
    assert ServiceRecord.objects.count() == 1
    # Client ids are per user: another user's same id is their own item.
    assert AppliedItem.objects.filter(user=cast.nairobi_officer, status="applied").count() == 1


def test_duplicate_then_register_anyway_or_link(client: Any, cast: Any, login: Any, officer_device: Any) -> None:
    existing = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    first = item("child_register", _child(cast))
    result = _results(up(client, officer_device, [first]))[0]
    assert result["status"] == "duplicate"
    assert result["candidates"][0]["person"]["public_id"] == str(existing.public_id)
    assert Person.objects.count() == 1
    # The user looked and it is this child: link.
    linked = _results(up(client, officer_device, [{**first, "resolution": f"link:{existing.public_id}"}]))[0]
    assert linked == {"client_id": first["client_id"], "status": "applied", "id": str(existing.public_id)}
    assert Person.objects.count() == 1
    # Another registration the user says is a different child: register anyway.
    second = item("child_register", _child(cast), resolution="register_anyway")
    made = _results(up(client, officer_device, [second]))[0]
    assert made["status"] == "applied" and made["id"] != str(existing.public_id), made
    assert Person.objects.filter(kind="child").count() == 2
    # A service for the child registered offline may name the registration's client id.
    service = item(
        "service", {"service": "CMTN", "given_on": timezone.localdate().isoformat()}, target=second["client_id"]
    )
    assert _results(up(client, officer_device, [service]))[0]["status"] == "applied"
    assert str(ServiceRecord.objects.get().child.public_id) == made["id"]


def test_link_to_a_child_out_of_scope_is_forbidden(client: Any, cast: Any, login: Any, officer_device: Any) -> None:
    other = make_child(cast.turkana_officer, cast.turkana_central_office)
    login(client, cast.nairobi_officer)
    one = item("child_register", _child(cast), resolution=f"link:{other.public_id}")
    assert _results(up(client, officer_device, [one]))[0]["status"] == "forbidden"


def test_conflict_overwrites_nothing_and_returns_the_server_version(
    client: Any, cast: Any, login: Any, officer_device: Any, colleague: Any
) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office, notes="First visit.")
    base = case.version
    case_actions.case_update(actor=colleague, case=case, expected_version=base, notes="Colleague rewrote this.")
    login(client, cast.nairobi_officer)
    mine = item("case_note", {"text": "My rewrite.", "replace": True}, target=case.public_id, base_version=base)
    result = _results(up(client, officer_device, [mine]))[0]
    assert result["status"] == "conflict"
    assert result["server"]["summary"]["notes"] == "Colleague rewrote this."
    assert result["server"]["version"] == base + 1
    case.refresh_from_db()
    assert case.notes == "Colleague rewrote this."
    # The user keeps the server's text: nothing written, answered applied.
    kept = _results(up(client, officer_device, [{**mine, "resolution": "keep_server"}]))[0]
    assert kept["status"] == "applied"
    case.refresh_from_db()
    assert case.notes == "Colleague rewrote this."
    # Or chooses theirs after seeing both.
    again = item(
        "case_note",
        {"text": "My rewrite.", "replace": True},
        target=case.public_id,
        base_version=base,
        resolution="keep_mine",
    )
    assert _results(up(client, officer_device, [again]))[0]["status"] == "applied"
    case.refresh_from_db()
    assert case.notes == "My rewrite."


def test_appends_apply_on_a_moved_case_but_not_on_a_closed_one(
    client: Any, cast: Any, login: Any, officer_device: Any, colleague: Any
) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office, notes="First visit.")
    base = case.version
    case_actions.case_update(actor=colleague, case=case, expected_version=base, notes="First visit. Colleague's line.")
    login(client, cast.nairobi_officer)
    note = item("case_note", {"text": "Second visit."}, target=case.public_id, base_version=base)
    assert _results(up(client, officer_device, [note]))[0]["status"] == "applied"
    case.refresh_from_db()
    assert case.notes.startswith("First visit. Colleague's line.") and case.notes.endswith("Second visit.")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    late = item("followup", {"due_on": timezone.localdate().isoformat(), "purpose": "Visit"}, target=case.public_id)
    result = _results(up(client, officer_device, [late]))[0]
    assert result["status"] == "conflict" and result["server"]["status"] == "closed"
    assert not FollowUp.objects.exists()


def test_completing_a_followup_someone_else_completed_is_a_conflict(
    client: Any, cast: Any, login: Any, officer_device: Any, colleague: Any
) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    followup = case_actions.followup_add(
        actor=cast.nairobi_officer, case=case, due_on=timezone.localdate(), purpose="Visit"
    )
    case_actions.followup_complete(actor=colleague, followup=followup, outcome="Seen by colleague")
    login(client, cast.nairobi_officer)
    done = item("followup", {"followup": str(followup.public_id), "outcome": "Seen by me"}, target=case.public_id)
    result = _results(up(client, officer_device, [done]))[0]
    assert result["status"] == "conflict" and result["id"] == str(followup.public_id)
    followup.refresh_from_db()
    assert followup.outcome == "Seen by colleague"


def test_invalid_items_are_answered_one_by_one(client: Any, cast: Any, login: Any, officer_device: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    good = item("service", {"service": "CMTN", "given_on": timezone.localdate().isoformat()}, target=case.public_id)
    items: list[Any] = [
        "not an object",
        {"client_id": "not-a-uuid", "kind": "service", "data": {}},
        item("teleport", {}),
        item("service", {"service": "NOPE", "given_on": "yesterday"}, target=case.public_id),
        item("service", {"service": "CMTN", "given_on": "2999-01-01"}, target=case.public_id),
        item("child_register", {"first_name": "", "sex": "robot"}),
        item("followup", {}, target=case.public_id),
        item("case_note", {"text": "x" * 5000}, target=case.public_id),
        item("service", {"service": "CMTN", "given_on": timezone.localdate().isoformat()}, target=None),
        item("intake", {"what_happened": "short", "county": "nowhere"}),
        item("case_note", {"text": "y", "replace": True}, target=case.public_id),
        item("case_note", {"text": "z" * 40_000}, target=case.public_id),
        item("child_register", {**_child(cast), "org_unit": "not-a-uuid"}),
        item("case_note", {"text": "w", "replace": True}, target=case.public_id, base_version=10**30),
        good,
    ]
    results = _results(up(client, officer_device, items))
    assert [r["status"] for r in results] == ["invalid"] * 14 + ["applied"], results
    assert all(r["errors"] for r in results[:14])
    assert results[3]["errors"].keys() >= {"service", "given_on"}
    assert "given_on" in results[4]["errors"]
    assert ServiceRecord.objects.count() == 1


def test_out_of_scope_and_read_only_items_are_forbidden(client: Any, cast: Any, login: Any) -> None:
    turkana_case = open_case(cast.turkana_officer, cast.turkana_central_office)
    westlands_case = open_case(cast.nairobi_officer, cast.westlands_office)
    today = timezone.localdate().isoformat()
    login(client, cast.nairobi_officer)
    device = device_of(cast.nairobi_officer)
    results = _results(
        up(
            client,
            device,
            [
                item("case_note", {"text": "x"}, target=turkana_case.public_id),
                item("service", {"service": "CMTN", "given_on": today}, target=uuid.uuid4()),
            ],
        )
    )
    assert [r["status"] for r in results] == ["forbidden", "forbidden"]
    login(client, cast.national_me)
    device = device_of(cast.national_me)
    results = _results(
        up(
            client,
            device,
            [item("case_note", {"text": "x"}, target=westlands_case.public_id), item("child_register", _child(cast))],
        )
    )
    assert [r["status"] for r in results] == ["forbidden", "forbidden"]
    westlands_case.refresh_from_db()
    assert westlands_case.notes == ""


def test_batch_size_limit_and_bad_bodies(client: Any, cast: Any, login: Any, officer_device: Any) -> None:
    login(client, cast.nairobi_officer)
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    many = [item("case_note", {"text": "n"}, target=case.public_id) for _ in range(101)]
    response = up(client, officer_device, many)
    assert response.status_code == 400 and "items" in response.json()["errors"]
    assert not AppliedItem.objects.exists()
    assert client.post("/api/v1/offline/sync/", "{", content_type="application/json").status_code == 400
    assert client.post("/api/v1/offline/sync/", {"device": "x"}, content_type="application/json").status_code == 400
    assert client.post("/api/v1/offline/sync/", [1], content_type="application/json").status_code == 400
    assert up(client, officer_device, []).json() == {"results": [], "wipe": False}


def test_revoked_device_applies_nothing_and_is_wiped(client: Any, cast: Any, login: Any, officer_device: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    actions.device_revoke(actor=cast.nairobi_officer, device=officer_device)
    login(client, cast.nairobi_officer)
    response = up(client, officer_device, [item("case_note", {"text": "n"}, target=case.public_id)])
    assert response.json() == {"results": [], "wipe": True}
    case.refresh_from_db()
    assert case.notes == ""

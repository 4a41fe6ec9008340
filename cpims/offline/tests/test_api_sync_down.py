"""api:offline-sync (GET): sync down — scope, removals, wipe, cursor, size and query counts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cpims.accounts import scope
from cpims.audit.models import AuditEvent
from cpims.cases import actions as case_actions
from cpims.cases.tests.conftest import make_child, open_case
from cpims.geo.models import Area
from cpims.offline import actions
from cpims.offline.models import SyncLog
from cpims.offline.tests.conftest import device_of, down


def _ids(rows: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in rows}


def test_full_sync_sends_only_the_users_field_cases(client: Any, cast: Any, login: Any, colleague: Any) -> None:
    mine = open_case(cast.nairobi_officer, cast.westlands_office)
    # In the officer's scope but neither opened by them nor assigned: not carried around.
    theirs = open_case(
        colleague, cast.westlands_office, child=make_child(colleague, cast.westlands_office, "Amani", "Testone")
    )
    assigned = open_case(
        colleague, cast.westlands_office, child=make_child(colleague, cast.westlands_office, "Baraka", "Testtwo")
    )
    case_actions.followup_add(
        actor=colleague,
        case=assigned,
        due_on=timezone.localdate() + dt.timedelta(days=3),
        purpose="Home visit",
        assigned_to=cast.nairobi_officer,
    )
    turkana = open_case(cast.turkana_officer, cast.turkana_central_office)
    device = device_of(cast.nairobi_officer)
    login(client, cast.nairobi_officer)
    body = down(client, device).json()
    assert body["wipe"] is False and body["full"] is True
    assert _ids(body["cases"]) == {str(mine.public_id), str(assigned.public_id)}
    assert _ids(body["persons"]) == {str(mine.child.public_id), str(assigned.child.public_id)}
    assert str(theirs.public_id) not in json.dumps(body)
    assert str(turkana.public_id) not in json.dumps(body) and str(turkana.child.public_id) not in json.dumps(body)
    case = next(c for c in body["cases"] if c["id"] == str(assigned.public_id))
    assert case["version"] == assigned.version and case["categories"] == ["CSIC", "CSNG"]
    assert case["summary"]["followups"][0]["purpose"] == "Home visit"
    assert body["removed"] == {"cases": [], "persons": []}
    categories = body["code_lists"]["case_category_id"]
    assert all({"code", "label", "label_sw"} == set(c) for c in categories) and categories
    assert body["org_units"] == [{"id": str(cast.westlands_office.public_id), "name": cast.westlands_office.name}]
    assert body["limits"] == {"max_cases": 200}
    # The wards of the officer's county (Nairobi), the choices of a child's ward.
    wards = Area.objects.filter(level=Area.Level.WARD, county=cast.westlands_office.county)
    assert wards.exists()
    assert {w["code"] for w in body["code_lists"]["ward"]} == set(wards.values_list("code", flat=True))
    log = SyncLog.objects.get()
    assert (log.direction, log.cases, log.persons, log.full) == ("down", 2, 2, True) and log.bytes > 0
    event = AuditEvent.objects.get(action="offline.sync")
    assert event.actor == cast.nairobi_officer and event.details["cases"] == 2
    assert "Testchild" not in json.dumps(event.details)


def test_other_county_and_read_only_users(client: Any, cast: Any, login: Any) -> None:
    open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.turkana_officer)
    body = down(client, device_of(cast.turkana_officer)).json()
    assert body["cases"] == [] and body["persons"] == []
    # Nationally read-only: sees every case, carries none.
    login(client, cast.national_me)
    body = down(client, device_of(cast.national_me)).json()
    assert body["cases"] == [] and body["persons"] == []
    # Aggregate only: no offline work at all.
    login(client, cast.stakeholder)
    assert down(client, device_of(cast.nairobi_officer)).status_code == 403


def test_someone_elses_device_is_404(client: Any, cast: Any, login: Any) -> None:
    device = device_of(cast.nairobi_officer)
    login(client, cast.nairobi_coordinator)
    assert down(client, device).status_code == 404
    assert client.get("/api/v1/offline/sync/", {"device": "nonsense"}).status_code == 400


def test_revoked_device_gets_wipe_and_nothing_else(client: Any, cast: Any, login: Any) -> None:
    open_case(cast.nairobi_officer, cast.westlands_office)
    device = device_of(cast.nairobi_officer)
    login(client, cast.nairobi_officer)
    cursor = down(client, device).json()["cursor"]
    actions.device_revoke(actor=cast.nairobi_coordinator, device=device)
    assert down(client, device, cursor).json() == {"wipe": True}
    assert SyncLog.objects.filter(wiped=True).count() == 1


def test_records_that_left_the_scope_come_back_as_removed(client: Any, cast: Any, login: Any, colleague: Any) -> None:
    kept = open_case(cast.nairobi_officer, cast.westlands_office)
    moved = open_case(
        cast.nairobi_officer,
        cast.westlands_office,
        child=make_child(cast.nairobi_officer, cast.westlands_office, "Chiku", "Testthree"),
    )
    assigned = open_case(
        colleague, cast.westlands_office, child=make_child(colleague, cast.westlands_office, "Dalila", "Testfour")
    )
    followup = case_actions.followup_add(
        actor=colleague,
        case=assigned,
        due_on=timezone.localdate(),
        purpose="Visit",
        assigned_to=cast.nairobi_officer,
    )
    device = device_of(cast.nairobi_officer)
    login(client, cast.nairobi_officer)
    first = down(client, device).json()
    assert len(first["cases"]) == 3
    # The case is transferred to Turkana, and the officer's follow-up on the other is done.
    case_actions.case_office_change(actor=cast.nairobi_coordinator, case=moved, office=cast.turkana_central_office)
    case_actions.followup_complete(actor=colleague, followup=followup, outcome="Seen at home")
    scope.forget(cast.nairobi_officer)
    second = down(client, device, first["cursor"]).json()
    assert second["full"] is False
    assert set(second["removed"]["cases"]) == {str(moved.public_id), str(assigned.public_id)}
    assert set(second["removed"]["persons"]) == {str(moved.child.public_id), str(assigned.child.public_id)}
    assert str(kept.public_id) not in second["removed"]["cases"]
    assert "code_lists" not in second  # unchanged since the cursor


def test_incremental_sync_sends_what_changed(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    device = device_of(cast.nairobi_officer)
    login(client, cast.nairobi_officer)
    now = timezone.now()
    from cpims.offline import queries

    # The first sync ran well after the case was last changed (beyond the cursor's overlap).
    first = queries.sync_down(cast.nairobi_officer, device, "", now=now + dt.timedelta(minutes=10))
    later = queries.sync_down(cast.nairobi_officer, device, first.body["cursor"], now=now + dt.timedelta(minutes=20))
    assert later.body["cases"] == [] and later.body["persons"] == []
    case_actions.case_update(actor=cast.nairobi_officer, case=case, expected_version=case.version, notes="Seen")
    # ... and the change comes after the second sync.
    from cpims.cases.models import Case

    Case.objects.filter(pk=case.pk).update(updated_at=now + dt.timedelta(minutes=30))
    again = queries.sync_down(cast.nairobi_officer, device, later.body["cursor"])
    assert _ids(again.body["cases"]) == {str(case.public_id)}
    # A tampered or foreign cursor means a full sync, never an error.
    other = device_of(cast.nairobi_officer, "Tablet")
    assert queries.sync_down(cast.nairobi_officer, other, first.body["cursor"]).full is True
    assert down(client, device, "garbage!").json()["full"] is True


def test_max_cases_bounds_the_sync(client: Any, cast: Any, login: Any, settings: Any) -> None:
    settings.CPIMS_OFFLINE_MAX_CASES = 2
    for i in range(3):
        open_case(
            cast.nairobi_officer,
            cast.westlands_office,
            child=make_child(cast.nairobi_officer, cast.westlands_office, "Eshe", f"Testmax{i}"),
        )
    login(client, cast.nairobi_officer)
    body = down(client, device_of(cast.nairobi_officer)).json()
    assert len(body["cases"]) == 2 and body["limits"] == {"max_cases": 2}


def _cases(cast: Any, n: int) -> None:
    for i in range(n):
        child = make_child(cast.nairobi_officer, cast.westlands_office, "Faraji", f"Testsize{i:02d}")
        open_case(
            cast.nairobi_officer,
            cast.westlands_office,
            child=child,
            notes="Child found alone at the market; neighbour gives meals. Home visit planned.",
        )


def _count_sync(client: Any, device: Any) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as run:
        response = down(client, device)
    assert response.status_code == 200
    return len(run), len(response.json()["cases"])


def test_query_count_does_not_grow_with_cases(client: Any, cast: Any, login: Any) -> None:
    device = device_of(cast.nairobi_officer)
    login(client, cast.nairobi_officer)
    _cases(cast, 3)
    down(client, device)  # warm: session and second factor
    few, sent = _count_sync(client, device)
    assert sent == 3
    for i in range(9):
        child = make_child(cast.nairobi_officer, cast.westlands_office, "Gathoni", f"Testmore{i}")
        open_case(cast.nairobi_officer, cast.westlands_office, child=child)
    many, sent = _count_sync(client, device)
    assert sent == 12
    assert few == many and many <= 30


def test_fifty_open_cases_fit_in_200_kb(client: Any, cast: Any, login: Any) -> None:
    _cases(cast, 50)
    login(client, cast.nairobi_officer)
    response = down(client, device_of(cast.nairobi_officer))
    body = response.json()
    assert len(body["cases"]) == 50 and len(body["persons"]) == 50
    assert len(response.content) < 200 * 1024, len(response.content)


def test_a_role_assignment_removed_sends_its_cases_as_removed(client: Any, cast: Any, login: Any) -> None:
    from cpims.accounts import roles as R
    from cpims.accounts.models import Assignment, Role

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    # The officer also works for the NGO, so still works offline after leaving the office.
    Assignment.objects.create(
        user=cast.nairobi_officer, role=Role.objects.get(code=R.PARTNER_CASEWORKER), org_unit=cast.nairobi_ngo
    )
    device = device_of(cast.nairobi_officer)
    login(client, cast.nairobi_officer)
    first = down(client, device).json()
    assert _ids(first["cases"]) == {str(case.public_id)}
    Assignment.objects.filter(user=cast.nairobi_officer, org_unit=cast.westlands_office).update(is_active=False)
    scope.forget(cast.nairobi_officer)
    second = down(client, device, first["cursor"]).json()
    assert second["removed"] == {"cases": [str(case.public_id)], "persons": [str(case.child.public_id)]}
    assert second["cases"] == [] and second["persons"] == []

"""The justice pages: the track through its forms, the case panel, alerts, permissions and scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.justice.models import JusticeTrack
from cpims.justice.tests.conftest import committal_order, days, to_court

pytestmark = pytest.mark.django_db


def page(case: Any) -> str:
    return reverse("justice:case_track", kwargs={"public_id": case.public_id})


def test_open_the_track_through_the_form(client: Any, login: Any, cast: Any, jcase: Any, units: Any) -> None:
    login(client, cast.nairobi_officer)
    body = client.get(page(jcase)).content.decode()
    assert reverse("justice:track_open", kwargs={"public_id": jcase.public_id}) in body
    url = reverse("justice:track_open", kwargs={"public_id": jcase.public_id})
    bad = client.post(url, {"ob_number": "", "police_station": units.police.pk, "charge": "x", "arrested_on": "x"})
    assert bad.status_code == 400
    response = client.post(
        url,
        {
            "ob_number": "OB 1/2/2026",
            "police_station": units.police.pk,
            "charge": "Stealing",
            "arrested_on": days(-1).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == page(jcase)
    track = JusticeTrack.objects.get(case=jcase)
    body = client.get(page(jcase)).content.decode()
    assert "OB 1/2/2026" in body and reverse("justice:route", kwargs={"public_id": track.public_id}) in body
    assert AuditEvent.objects.filter(action="justice.view", object_id=str(jcase.public_id)).exists()


def test_stale_form_refused(client: Any, login: Any, cast: Any, track: Any) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("justice:route", kwargs={"public_id": track.public_id})
    data = {"route": "court", "decided_on": days(0).isoformat(), "version": track.version}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "route": "diversion", "diversion_notes": "x"})
    assert response.status_code == 400 and "Someone else changed" in response.content.decode()


def test_disposition_form_commits_the_child(client: Any, login: Any, cast: Any, track: Any, units: Any) -> None:
    track, _plea = to_court(cast.nairobi_officer, track, units)
    order = committal_order(cast.nairobi_officer, track.case, units)
    login(client, cast.nairobi_officer)
    url = reverse("justice:disposition", kwargs={"public_id": track.public_id})
    assert "Committal order to rehabilitation" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "disposition": "committal_rehabilitation",
            "decided_on": days(-1).isoformat(),
            "court_order": order.pk,
            "institution": units.rehab.pk,
            "version": track.version,
        },
    )
    assert response.status_code == 302
    body = client.get(page(track.case)).content.decode()
    assert units.rehab.name in body and "Committal to a rehabilitation school" in body


@override_settings(JUSTICE_REMAND_LIMIT_DAYS=10)
def test_case_page_panel_and_alerts(client: Any, login: Any, cast: Any, units: Any, jcase: Any) -> None:
    from cpims.justice.actions import remand_start
    from cpims.justice.tests.conftest import open_track

    track = open_track(cast.nairobi_officer, jcase, units, arrested=-30)
    remand_start(actor=cast.nairobi_officer, track=track, institution=units.remand, started_on=days(-11))
    case_url = reverse("cases:case_detail", kwargs={"public_id": jcase.public_id})
    login(client, cast.nairobi_officer)
    body = client.get(case_url).content.decode()
    assert 'id="justice"' in body and "Remanded longer than 10 days" in body
    assert "Remanded longer than 10 days" in client.get(reverse("justice:alerts")).content.decode()
    # Without case.view_sensitive the case page shows no justice section.
    login(client, cast.national_me)
    body = client.get(case_url).content.decode()
    assert "Open the justice track" not in body and "OB 12/3/2026" not in body


@pytest.mark.parametrize(("user", "status"), [("national_me", 403), ("partner", 403), ("turkana_officer", 404)])
def test_permissions_and_scope(cast: Any, track: Any, status_as: Any, user: str, status: int) -> None:
    assert status_as(getattr(cast, user), page(track.case)) == status
    url = reverse("justice:route", kwargs={"public_id": track.public_id})
    assert status_as(getattr(cast, user), url, post={"route": "court", "decided_on": days(0).isoformat()}) == status
    track.refresh_from_db()
    assert track.route == ""


@override_settings(JUSTICE_REMAND_LIMIT_DAYS=10)
def test_alerts_page_queries_constant(
    client: Any, login: Any, cast: Any, units: Any, django_assert_max_num_queries: Any
) -> None:
    from cpims.justice.actions import remand_start
    from cpims.justice.tests.conftest import offender_case, open_track

    def make(n: int) -> None:
        for i in range(n):
            case = offender_case(cast.nairobi_officer, cast.westlands_office, first=f"Alert{i}")
            track = open_track(cast.nairobi_officer, case, units, arrested=-30)
            remand_start(actor=cast.nairobi_officer, track=track, institution=units.remand, started_on=days(-20))

    login(client, cast.nairobi_officer)
    make(2)
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("justice:alerts")).status_code == 200
    make(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("justice:alerts")).content.decode()
    assert body.count("Remanded longer than") == 6


def test_api(client: Any, login: Any, cast: Any, track: Any, turkana_track: Any) -> None:
    login(client, cast.nairobi_officer)
    listed = client.get("/api/v1/justice-tracks/").json()
    assert [t["public_id"] for t in listed["results"]] == [str(track.public_id)]
    detail = client.get(f"/api/v1/justice-tracks/{track.public_id}/").json()
    assert detail["ob_number"] == "OB 12/3/2026" and detail["case"] == str(track.case.public_id)
    assert client.get(f"/api/v1/justice-tracks/{turkana_track.public_id}/").status_code == 404
    login(client, cast.national_me)
    assert client.get("/api/v1/justice-tracks/").status_code == 403
    assert client.get(f"/api/v1/justice-tracks/{track.public_id}/").status_code == 403


def test_track_page_queries_constant(client: Any, login: Any, cast: Any, track: Any, units: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cpims.justice.actions import justice_report_add, remand_end, remand_start

    def add(n: int) -> None:
        for i in range(n):
            justice_report_add(
                actor=cast.nairobi_officer, track=track, kind="probation", submitted_on=days(-1), recommendation=f"R{i}"
            )
            remand = remand_start(
                actor=cast.nairobi_officer, track=track, institution=units.remand, started_on=days(-3)
            )
            remand_end(actor=cast.nairobi_officer, remand=remand, ended_on=days(-3))

    login(client, cast.nairobi_officer)
    add(1)
    client.get(page(track.case))
    with CaptureQueriesContext(connection) as small:
        client.get(page(track.case))
    add(4)
    with CaptureQueriesContext(connection) as big:
        body = client.get(page(track.case)).content.decode()
    assert len(big) == len(small) and body.count("Probation officer&#x27;s report") == 5

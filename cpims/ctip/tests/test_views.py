"""The CTiP pages: the track page and its forms, the case page panel, and who may open them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.ctip.models import CtipTrack
from cpims.ctip.tests.conftest import code, days, partner

pytestmark = pytest.mark.django_db


def url(name: str, case: Any) -> str:
    return reverse(f"ctip:{name}", kwargs={"public_id": case.public_id})


def test_identify_then_every_form_through_the_pages(
    cast: Any, client: Any, login: Any, westlands_ctip_case: Any
) -> None:
    login(client, cast.nairobi_officer)
    case = westlands_ctip_case
    page = client.get(url("track", case))
    assert page.status_code == 200 and b"Identify and screen the child" in page.content
    answer = client.post(
        url("identify", case),
        {
            "identified_on": days(-10).isoformat(),
            "trafficking_type": code("ctip_trafficking_type", "TFDVT").pk,
            "nationality": code("ctip_country", "ET").pk,
            "country_of_origin": code("ctip_country", "ET").pk,
            "purpose": code("ctip_purpose_id", "TPLB").pk,
            "means": [code("ctip_means_id", "TMFR").pk],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    track = CtipTrack.objects.get(case=case)
    forms = [
        ("assistance_add", {"kind": "psychosocial", "given_on": days(-9).isoformat()}),
        (
            "tracing_add",
            {
                "traced_on": days(-8).isoformat(),
                "outcome": "found",
                "country": track.nationality_id,
                "assessment": "needs_support",
            },
        ),
        (
            "return_add",
            {
                "kind": "repatriation",
                "travelled_on": days(-6).isoformat(),
                "country": track.nationality_id,
                "travel_document": "emergency",
                "escort": "IOM escort",
            },
        ),
        ("plan_edit", {"reintegration_plan": "Family support", "plan_agreed_on": days(-6).isoformat(), "version": 1}),
        ("followup_add", {"visited_on": days(-1).isoformat(), "status": "needs_support"}),
        ("prosecution_edit", {"police_ob_number": "OB/7/2026", "version": 2}),
        ("referral_add", {"to_unit": partner().pk, "referred_on": days(-7).isoformat(), "reason": "Repatriation"}),
    ]
    for name, data in forms:
        assert client.get(url(name, case)).status_code == 200
        answer = client.post(url(name, case), data)
        assert answer.status_code == 302, (name, answer.content.decode()[:3000])
    track.refresh_from_db()
    assert (track.stage, track.police_ob_number, track.version) == ("reintegration", "OB/7/2026", 3)
    page = client.get(url("track", case))
    for text in (b"IOM escort", b"Family support", b"OB/7/2026", b"Counter Trafficking in Persons Secretariat"):
        assert text in page.content
    assert AuditEvent.objects.filter(action="ctip.view", object_id=str(track.public_id)).exists()


def test_a_bad_form_is_answered_400_with_the_problem(cast: Any, client: Any, login: Any, westlands_track: Any) -> None:
    login(client, cast.nairobi_officer)
    answer = client.post(url("assistance_add", westlands_track.case), {"kind": "shelter", "given_on": days(5)})
    assert answer.status_code == 400
    assert b"cannot be in the future" in answer.content


def test_a_stale_identification_edit_is_refused(cast: Any, client: Any, login: Any, westlands_track: Any) -> None:
    login(client, cast.nairobi_officer)
    t = westlands_track
    data = {
        "identified_on": t.identified_on.isoformat(),
        "trafficking_type": t.trafficking_type_id,
        "nationality": t.nationality_id,
        "country_of_origin": t.country_of_origin_id,
        "purpose": t.purpose_id,
        "version": 1,
    }
    assert client.post(url("identify", t.case), data).status_code == 302
    answer = client.post(url("identify", t.case), {**data, "route": "Changed"})
    assert answer.status_code == 400 and b"Someone changed" in answer.content


def test_the_case_page_shows_the_panel_only_to_sensitive_readers(
    cast: Any, client: Any, login: Any, westlands_track: Any
) -> None:
    case_url = reverse("cases:case_detail", kwargs={"public_id": westlands_track.case.public_id})
    login(client, cast.nairobi_officer)
    page = client.get(case_url)
    assert b'id="ctip"' in page.content and b"Open the CTiP track" in page.content
    login(client, cast.national_me)
    page = client.get(case_url)
    assert page.status_code == 200 and b'id="ctip"' not in page.content


def test_no_panel_on_other_cases(cast: Any, client: Any, login: Any) -> None:
    from cpims.cases.tests.conftest import open_case

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    page = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id}))
    assert b'id="ctip"' not in page.content
    answer = client.post(
        url("identify", case),
        {
            "identified_on": case.reported_on.isoformat(),
            "trafficking_type": code("ctip_trafficking_type", "TFDVI").pk,
            "nationality": code("ctip_country", "KE").pk,
            "country_of_origin": code("ctip_country", "KE").pk,
            "purpose": code("ctip_purpose_id", "TPSE").pk,
        },
    )
    assert answer.status_code == 400 and b"trafficked child or smuggling" in answer.content


def test_steps_need_a_track(cast: Any, client: Any, login: Any, westlands_ctip_case: Any) -> None:
    login(client, cast.nairobi_officer)
    assert client.get(url("assistance_add", westlands_ctip_case)).status_code == 404


def test_the_track_page_in_kiswahili(cast: Any, client: Any, login: Any, westlands_track: Any) -> None:
    login(client, cast.nairobi_officer)
    page = client.get(url("track", westlands_track.case), HTTP_ACCEPT_LANGUAGE="sw")
    assert page.status_code == 200
    assert b"Kazi ya kulazimishwa" in page.content  # forced labour, the code's Kiswahili label

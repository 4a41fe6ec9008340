"""The DHIS2 pages: overview and history, preview, downloads, push button, result page, mapping."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_overview_lists_the_history(
    client: Any, login: Any, cast: Any, server: Any, django_assert_max_num_queries: Any, period: Any
) -> None:
    from cpims.integrations.dhis2.models import PushLog

    for _i in range(5):
        PushLog.objects.create(
            server=server, actor=cast.national_me, period=period.code, period_dhis2=period.dhis2, status="success"
        )
    login(client, cast.national_me)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("dhis2:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Fake KHIS" in body and body.count(period.code) >= 5
    assert reverse("dhis2:mapping") in body


def test_overview_without_a_server_says_so(client: Any, login: Any, cast: Any) -> None:
    login(client, cast.national_me)
    assert "No DHIS2 server is configured" in client.get(reverse("dhis2:index")).content.decode()


@pytest.mark.parametrize("who", ["nairobi_coordinator", "turkana_officer", "stakeholder", "admin", "partner"])
def test_others_are_refused(client: Any, login: Any, cast: Any, who: str) -> None:
    login(client, cast.users()[who])
    for name in ("dhis2:index", "dhis2:preview", "dhis2:mapping", "dhis2:download"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("dhis2:push"), {"period": "2026/27-Q1"}).status_code == 403


def test_preview_shows_the_figures_and_the_buttons(
    client: Any, login: Any, cast: Any, server: Any, nairobi_cases: Any, period: Any, django_assert_max_num_queries: Any
) -> None:
    login(client, cast.national_me)
    # The read first folds the new cases into the facts: a fixed number of queries per chunk of
    # cases (40 before the service and transfer facts, which add a constant 2 here; the national
    # caseload cells and the follow-up facts and their roll-up 7 more), plus, on PostgreSQL, the
    # advisory locks that serialise the catch-up and the roll-up writers.
    locks = 4 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(49 + locks):
        response = client.get(reverse("dhis2:preview"), {"period": period.code, "county": "047"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "3 data values would be sent" in body and "2 cases reported" in body
    assert f"<td>{cast.nairobi_office.county.name}</td>" in body
    assert f"<td>{cast.turkana_office.county.name}</td>" not in body
    assert reverse("dhis2:push") in body and "Dry run" in body


def test_preview_works_before_a_server_is_configured(
    client: Any, login: Any, cast: Any, nairobi_cases: Any, period: Any
) -> None:
    login(client, cast.national_me)
    response = client.get(reverse("dhis2:preview"), {"period": period.code})
    body = response.content.decode()
    assert response.status_code == 200 and "6 data values would be sent" in body
    assert "No DHIS2 server is configured" in body and "Push to DHIS2" not in body


def test_preview_with_a_bad_period_is_a_clear_400(client: Any, login: Any, cast: Any) -> None:
    login(client, cast.national_me)
    response = client.get(reverse("dhis2:preview"), {"period": "2026-Q9"})
    assert response.status_code == 400
    assert "is not a reporting period" in response.content.decode()
    assert client.get(reverse("dhis2:preview")).status_code == 200  # the empty form


def test_downloads_json_and_adx(
    client: Any, login: Any, cast: Any, server: Any, nairobi_cases: Any, period: Any
) -> None:
    from cpims.audit.models import AuditEvent

    login(client, cast.national_me)
    response = client.get(reverse("dhis2:download"), {"period": period.code})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert len(json.loads(response.content)["dataValues"]) == 6
    response = client.get(reverse("dhis2:download"), {"period": period.code, "county": "023", "format": "adx"})
    assert response["Content-Type"] == "application/adx+xml"
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == "{urn:ihe:qrph:adx:2015}adx" and len(root) == 1
    assert AuditEvent.objects.filter(action="dhis2.export").count() == 2


def test_push_button_queues_runs_and_shows_the_result(
    client: Any, login: Any, cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    from cpims.integrations.dhis2.models import PushLog

    login(client, cast.national_me)
    response = client.post(reverse("dhis2:push"), {"period": period.code, "county": "047", "dry_run": "on"})
    log = PushLog.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dhis2:log_detail", args=[log.public_id])
    assert log.status == "warning" and log.dry_run  # the test task backend runs it at once
    assert fake_dhis2.requests == []  # a dry run sends nothing
    page = client.get(response["Location"]).content.decode()
    assert "DHIS2 dry run" in page and "Problems found" in page and log.payload_sha256 in page
    assert "Dry run: 3 values built, nothing sent." in page and "none (dry run)" in page
    assert "Imported" not in page  # nothing was sent, so nothing was imported
    assert "hx-trigger" not in page  # finished: no more polling
    history = client.get(reverse("dhis2:index")).content.decode()
    assert "3 values built, nothing sent" in history


def test_dry_run_page_without_a_server(
    client: Any, login: Any, cast: Any, server: Any, fake_dhis2: Any, nairobi_cases: Any, period: Any
) -> None:
    from cpims.integrations.dhis2.models import PushLog

    server.is_active = False
    server.save()
    login(client, cast.national_me)
    preview = client.get(reverse("dhis2:preview"), {"period": period.code}).content.decode()
    assert "Dry run" in preview and "Push to DHIS2" not in preview
    response = client.post(reverse("dhis2:push"), {"period": period.code, "county": "047", "dry_run": "on"})
    log = PushLog.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert log.server is None and fake_dhis2.requests == []
    assert "no DHIS2 server configured" in page and "values built, nothing sent" in page
    assert client.post(reverse("dhis2:push"), {"period": period.code}).status_code == 400  # a push needs one


def test_a_running_push_polls_with_htmx(client: Any, login: Any, cast: Any, server: Any, period: Any) -> None:
    from cpims.integrations.dhis2.models import PushLog

    log = PushLog.objects.create(server=server, actor=cast.national_me, period=period.code, period_dhis2=period.dhis2)
    login(client, cast.national_me)
    page = client.get(reverse("dhis2:log_detail", args=[log.public_id])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    partial = client.get(reverse("dhis2:log_detail", args=[log.public_id]), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="dhis2-log-status"') and "<html" not in partial


def test_push_with_bad_input_writes_nothing(client: Any, login: Any, cast: Any, server: Any) -> None:
    from cpims.integrations.dhis2.models import PushLog

    login(client, cast.national_me)
    response = client.post(reverse("dhis2:push"), {"period": "2099/00-Q1", "county": "047"})
    assert response.status_code == 400
    response = client.post(reverse("dhis2:push"), {"period": "2099-01", "county": "047"})
    assert response.status_code == 400 and "has not started yet" in response.content.decode()
    assert not PushLog.objects.exists()


def test_push_log_of_another_kind_of_id_is_404(cast: Any, status_as: Any) -> None:
    assert status_as(cast.national_me, "/dhis2/pushes/00000000-0000-0000-0000-000000000000/") == 404


def test_mapping_page_and_data_element_edit(
    client: Any, login: Any, cast: Any, django_assert_max_num_queries: Any
) -> None:
    from cpims.audit.models import AuditEvent
    from cpims.integrations.dhis2.models import DataElementMapping

    login(client, cast.national_me)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("dhis2:mapping"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "placeholder" in body and "KE_C047" in body and "Defilement" in body
    item = DataElementMapping.objects.get(indicator="cases")
    url = reverse("dhis2:data_element_edit", args=[item.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"uid": "1abcdefghij", "name": "X", "version": item.version})
    assert bad.status_code == 400 and "starting with a letter" in bad.content.decode()
    ok = client.post(
        url, {"uid": "Kx9CaseRep1", "dhis2_code": "KHIS_CP_01", "name": "CP cases", "version": item.version}
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert (item.uid, item.is_placeholder, item.version) == ("Kx9CaseRep1", False, 2)
    assert AuditEvent.objects.filter(action="dhis2.mapping_update").exists()
    stale = client.post(url, {"uid": "Kx9CaseRep2", "name": "CP cases", "version": 1})
    assert stale.status_code == 400 and "Someone changed this mapping" in stale.content.decode()
    item.refresh_from_db()
    assert item.uid == "Kx9CaseRep1"
    assert client.get(reverse("dhis2:data_element_edit", args=[999999])).status_code == 404


def test_menu_shows_dhis2_to_national_me_only(client: Any, login: Any, cast: Any) -> None:
    login(client, cast.national_me)
    assert reverse("dhis2:index") in client.get(reverse("site:home")).content.decode()
    client.logout()
    login(client, cast.nairobi_coordinator)
    assert reverse("dhis2:index") not in client.get(reverse("site:home")).content.decode()

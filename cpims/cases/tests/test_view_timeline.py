"""The case timeline: the page shows the latest 50 rows; "show older" pages further (htmx)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.cases import actions
from cpims.cases.models import CaseEvent
from cpims.cases.queries import TIMELINE_LIMIT
from cpims.cases.tests.conftest import open_case


def _add_events(cast: Any, case: Any, count: int) -> None:
    for i in range(count):
        actions.case_update(actor=cast.nairobi_officer, case=case, expected_version=None, notes=f"note {i}")


def _rows(html: str) -> int:
    return html.count('<li class="mb-2"><span')


def test_page_shows_latest_50_and_a_show_older_button(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    _add_events(cast, case, 119)  # 120 rows with the opening
    assert CaseEvent.objects.filter(case=case).count() == 120
    login(client, cast.nairobi_officer)
    page = client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id})).content.decode()
    assert _rows(page) == TIMELINE_LIMIT
    assert "Show older" in page and 'hx-get="/cases/' in page

    newest_first = list(CaseEvent.objects.filter(case=case).order_by("-at", "-id").values_list("pk", flat=True))
    url = reverse("cases:timeline", kwargs={"public_id": case.public_id})
    second = client.get(url, {"before": newest_first[49]}, HTTP_HX_REQUEST="true").content.decode()
    assert _rows(second) == 50 and "Show older" in second and "<html" not in second
    third = client.get(url, {"before": newest_first[99]}, HTTP_HX_REQUEST="true").content.decode()
    assert _rows(third) == 20 and "Show older" not in third
    assert "opened" in third.lower()  # the oldest row, the opening, is on the last page
    # Without JavaScript the link opens a plain page.
    plain = client.get(url, {"before": newest_first[49]})
    assert plain.status_code == 200 and "<html" in plain.content.decode()
    # Nonsense ids show nothing, never an error.
    assert client.get(url, {"before": "x"}, HTTP_HX_REQUEST="true").status_code == 200
    assert _rows(client.get(url, {"before": 10**9}, HTTP_HX_REQUEST="true").content.decode()) == 0
    # Viewing older rows is a view of the case: audited.
    before = AuditEvent.objects.filter(action="case.view").count()
    client.get(url, {"before": newest_first[49]}, HTTP_HX_REQUEST="true")
    assert AuditEvent.objects.filter(action="case.view").count() == before + 1


def test_event_of_another_case_shows_nothing(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    other = open_case(cast.nairobi_officer, cast.westlands_office)
    foreign = CaseEvent.objects.filter(case=other).first()
    login(client, cast.nairobi_officer)
    url = reverse("cases:timeline", kwargs={"public_id": case.public_id})
    assert _rows(client.get(url, {"before": foreign.pk}, HTTP_HX_REQUEST="true").content.decode()) == 0


def test_out_of_scope_gets_404(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.turkana_officer)
    assert client.get(reverse("cases:timeline", kwargs={"public_id": case.public_id})).status_code == 404


def test_older_page_query_count_is_constant(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    _add_events(cast, case, 60)
    login(client, cast.nairobi_officer)
    url = reverse("cases:timeline", kwargs={"public_id": case.public_id})
    anchor = CaseEvent.objects.filter(case=case).order_by("-at", "-id")[4].pk
    client.get(url, {"before": anchor}, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"before": anchor}, HTTP_HX_REQUEST="true")
    _add_events(cast, case, 80)
    with CaptureQueriesContext(connection) as big:
        client.get(url, {"before": anchor}, HTTP_HX_REQUEST="true")
    assert len(big) == len(small)
    # And the case page itself does not grow with the timeline.
    detail = reverse("cases:case_detail", kwargs={"public_id": case.public_id})
    client.get(detail)
    with CaptureQueriesContext(connection) as page_small:
        client.get(detail)
    _add_events(cast, case, 30)
    with CaptureQueriesContext(connection) as page_big:
        client.get(detail)
    assert len(page_big) == len(page_small)

"""Timeline rows are read in the reader's language: the row stores a message key and its
parameters (code labels in both languages, dates), not the writer's sentence."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cpims.cases import actions
from cpims.cases.models import CaseEvent
from cpims.cases.tests.conftest import code, open_case


def _page(client: Any, case: Any, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("cases:case_detail", kwargs={"public_id": case.public_id})).content.decode()


def _service(cast: Any, case: Any) -> Any:
    service = code("intervention_id", _first_service())
    service.label, service.label_sw = "Counselling test service", "Huduma ya ushauri ya majaribio"
    service.save(update_fields=["label", "label_sw"])
    actions.service_record(
        actor=cast.nairobi_officer,
        child=case.child,
        service=service,
        given_on=timezone.localdate(),
        provider=cast.westlands_office,
        case=case,
    )
    return service


def _first_service() -> str:
    from cpims.core.models import Code

    return Code.objects.filter(code_list__name="intervention_id", is_active=True).order_by("order")[0].code


def test_written_in_english_read_in_kiswahili(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    with translation.override("en"):
        _service(cast, case)
    event = CaseEvent.objects.filter(case=case, kind="service").get()
    assert event.message == "service.recorded"
    assert event.params["service"]["label_sw"] == "Huduma ya ushauri ya majaribio"
    assert event.summary.startswith("Service recorded: Counselling test service")  # English fallback

    login(client, cast.nairobi_officer)
    page = _page(client, case, "sw")
    assert "Huduma imerekodiwa: Huduma ya ushauri ya majaribio" in page
    assert "Kesi imefunguliwa" in page
    assert "Service recorded" not in page and "Case opened" not in page
    assert "Service recorded: Counselling test service" in _page(client, case, "en")


def test_written_in_kiswahili_read_in_english(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    with translation.override("sw"):
        _service(cast, case)
    event = CaseEvent.objects.filter(case=case, kind="service").get()
    # The stored fallback is English whatever the writer's language.
    assert event.summary.startswith("Service recorded: Counselling test service")
    login(client, cast.nairobi_officer)
    page = _page(client, case, "en")
    assert "Service recorded: Counselling test service" in page
    assert "Huduma" not in page
    assert "Huduma imerekodiwa: Huduma ya ushauri ya majaribio" in _page(client, case, "sw")


def test_old_row_with_only_a_summary_still_shows(client: Any, cast: Any, login: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    CaseEvent.objects.create(case=case, kind="legacy", actor=cast.nairobi_officer, summary="Old sentence kept")
    CaseEvent.objects.create(
        case=case, kind="gone", actor=cast.nairobi_officer, summary="Unknown key kept", message="no.such.key"
    )
    login(client, cast.nairobi_officer)
    page = _page(client, case, "sw")
    assert "Old sentence kept" in page and "Unknown key kept" in page


def test_dates_and_field_names_follow_the_reader() -> None:
    import datetime as dt

    from cpims.cases.messages import date_param, render, texts_param

    params = {"date": date_param(dt.date(2026, 3, 4))}
    with translation.override("sw"):
        assert render("followup.planned", params).startswith("Ufuatiliaji umepangwa tarehe")  # type: ignore[union-attr]
    with translation.override("en"):
        assert render("followup.planned", params).startswith("Follow-up planned for")  # type: ignore[union-attr]
        assert render("case.updated", {"fields": texts_param(["notes"])}) == "Case record changed: notes"

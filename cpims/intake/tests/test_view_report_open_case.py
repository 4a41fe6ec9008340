from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.cases.models import Case
from cpims.cases.tests.conftest import code, make_child
from cpims.intake.tests.conftest import westlands_ward
from cpims.registry.models import Person


def url(report: Any) -> str:
    return reverse("intake:report_open_case", kwargs={"public_id": report.public_id})


def data(cast: Any, **extra: Any) -> dict[str, Any]:
    d = {
        "office": str(cast.westlands_office.pk),
        "reporter_type": str(code("case_reporter_id", "CRON").pk),
        "cpims_number": "",
        "first_name": "",
        "last_name": "",
        "sex": "",
        "age_years": "",
        "ward": "",
        "village": "",
        "cat-TOTAL_FORMS": "1",
        "cat-INITIAL_FORMS": "0",
        "cat-MIN_NUM_FORMS": "1",
        "cat-MAX_NUM_FORMS": "10",
        "cat-0-category": str(code("case_category_id", "CSIC").pk),
        "cat-0-sub_category": "",
        "cat-0-date_of_event": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "cat-0-nature": str(code("case_nature_id", "OOEV").pk),
        "cat-0-place_of_event": "",
    }
    d.update(extra)
    return d


def test_get_prefills_office_and_ward(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(url(report))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["office"].value() == cast.westlands_office.pk


def test_open_for_a_registered_child_by_number(client: Any, cast: Any, login: Any, report: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    response = client.post(url(report), data(cast, cpims_number=child.cpims_number))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.public_id}/")
    assert case.child == child
    report.refresh_from_db()
    assert report.status == "case_opened" and report.case == case


def test_new_child_goes_through_the_duplicate_check(client: Any, cast: Any, login: Any, report: Any) -> None:
    existing = make_child(cast.nairobi_officer, cast.westlands_office, first="Amani", last="Testchild")
    login(client, cast.nairobi_officer)
    new = {
        "first_name": "Amani",
        "last_name": "Testchild",
        "sex": "female",
        "age_years": "9",
        "ward": str(westlands_ward().pk),
    }
    response = client.post(url(report), data(cast, **new))
    assert response.status_code == 200
    assert [c.person for c in response.context["candidates"]] == [existing]
    assert existing.cpims_number in response.content.decode()
    assert Case.objects.count() == 0
    # The officer decides it is another child.
    response = client.post(url(report), data(cast, register_anyway="on", **new))
    assert response.status_code == 302
    assert Person.objects.filter(first_name="Amani").count() == 2
    assert Case.objects.get().child != existing


def test_unknown_number_and_no_child_are_form_errors(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(url(report), data(cast, cpims_number="CP00000000"))
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url(report), data(cast))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Case.objects.count() == 0


def test_turkana_child_number_is_not_found(client: Any, cast: Any, login: Any, report: Any) -> None:
    child = make_child(cast.turkana_officer, cast.turkana_central_office)
    login(client, cast.nairobi_officer)
    response = client.post(url(report), data(cast, cpims_number=child.cpims_number))
    assert response.status_code == 200 and response.context["form"].errors["cpims_number"]


def test_already_triaged(client: Any, cast: Any, login: Any, report: Any) -> None:
    from cpims.intake.actions import report_dismiss

    child = make_child(cast.nairobi_officer, cast.westlands_office)
    report_dismiss(actor=cast.nairobi_coordinator, report=report, reason="duplicate")
    login(client, cast.nairobi_officer)
    response = client.get(url(report))
    assert response.status_code == 302
    response = client.post(url(report), data(cast, cpims_number=child.cpims_number))
    assert response.status_code == 200
    assert "already triaged" in response.content.decode()
    assert Case.objects.count() == 0


def test_scope(client: Any, cast: Any, login: Any, report: Any) -> None:
    login(client, cast.turkana_officer)
    assert client.get(url(report)).status_code == 404
    client.logout()
    login(client, cast.partner)
    assert client.get(url(report)).status_code == 404


def test_two_categories(client: Any, cast: Any, login: Any, report: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    assert client.get(url(report)).context["cats"].total_form_count() == 2
    extra = {
        "cat-TOTAL_FORMS": "2",
        "cat-1-category": str(code("case_category_id", "CSNG").pk),
        "cat-1-sub_category": "",
        "cat-1-date_of_event": "",
        "cat-1-nature": "",
        "cat-1-place_of_event": "",
    }
    response = client.post(url(report), data(cast, cpims_number=child.cpims_number, **extra))
    assert response.status_code == 302
    assert sorted(Case.objects.get().categories.values_list("category__code", flat=True)) == ["CSIC", "CSNG"]


def test_categories_added_removed_and_checked(client: Any, cast: Any, login: Any, report: Any) -> None:
    """The triage form uses the case form's category rows: a removed row is dropped, the same
    category twice and a sub-category of another category are refused, nothing is pre-chosen."""
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    page = client.get(url(report)).content.decode()
    assert "data-formset-add" in page and "— choose —" in page
    neglect = str(code("case_category_id", "CSIC").pk)
    twice = {"cat-TOTAL_FORMS": "2", "cat-1-category": neglect}
    response = client.post(url(report), data(cast, cpims_number=child.cpims_number, **twice))
    assert response.status_code == 200 and "is given twice" in response.content.decode()
    wrong_sub = {"cat-0-sub_category": str(code("emotional_abuse_id", "EAIG").pk)}
    response = client.post(url(report), data(cast, cpims_number=child.cpims_number, **wrong_sub))
    assert response.status_code == 200 and "Choose a sub-category of the chosen category." in response.content.decode()
    assert not Case.objects.exists()
    removed = {"cat-TOTAL_FORMS": "2", "cat-1-category": str(code("case_category_id", "CCDF").pk), "cat-1-DELETE": "on"}
    response = client.post(url(report), data(cast, cpims_number=child.cpims_number, **removed))
    assert response.status_code == 302
    assert list(Case.objects.get().categories.values_list("category__code", flat=True)) == ["CSIC"]

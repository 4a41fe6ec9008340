"""cases:case_create / cases:case_edit with several category rows (added and removed on the page)."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from cpims.cases.models import Case, CaseCategory
from cpims.cases.tests.conftest import code, make_child

CSIC, CCDF, CCEA = "CSIC", "CCDF", "CCEA"


def _management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }


def _post(cast: Any, rows: list[dict[str, Any]], **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "office": cast.westlands_office.pk,
        "reported_on": timezone.localdate().isoformat(),
        "reporter_type": code("case_reporter_id", "CRMO").pk,
        "hiv_status": "unknown",
        **_management("cat", len(rows)),
        **_management("perp", 1),
    }
    for i, row in enumerate(rows):
        data.update({f"cat-{i}-{k}": v for k, v in row.items()})
    data.update(over)
    return data


def _url(child: Any) -> str:
    return reverse("cases:case_create") + f"?child={child.public_id}"


def test_two_rows_open_a_case_with_two_categories(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    rows = [
        {"category": code("case_category_id", CSIC).pk, "sub_category": code("neglect_denial_id", "NDBS").pk},
        {"category": code("case_category_id", CCDF).pk, "nature": code("case_nature_id", "OOEV").pk},
    ]
    response = client.post(_url(child), _post(cast, rows))
    assert response.status_code == 302
    case = Case.objects.get(child=child)
    assert sorted(CaseCategory.objects.filter(case=case).values_list("category__code", flat=True)) == [CCDF, CSIC]


def test_error_keeps_both_rows_and_their_values(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    neglect, basic = code("case_category_id", CSIC), code("neglect_denial_id", "NDBS")
    defilement = code("case_category_id", CCDF)
    rows = [{"category": neglect.pk, "sub_category": basic.pk}, {"category": defilement.pk, "date_of_event": "x"}]
    response = client.post(_url(child), _post(cast, rows, reporter_name="Reporter Testname"))
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert re.search(rf'<option value="{neglect.pk}" selected>', page)
    assert re.search(rf'<option value="{basic.pk}" selected>', page)
    assert re.search(rf'<option value="{defilement.pk}" selected>', page)
    assert 'value="Reporter Testname"' in page and 'name="cat-1-date_of_event"' in page


def test_the_same_category_twice_is_refused_with_a_message(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    neglect = code("case_category_id", CSIC).pk
    response = client.post(_url(child), _post(cast, [{"category": neglect}, {"category": neglect}]))
    assert response.status_code == 200 and not Case.objects.exists()
    assert "is given twice" in response.content.decode()


def test_a_removed_row_is_not_stored_and_one_row_is_required(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    rows = [{"category": code("case_category_id", CSIC).pk}, {"category": code("case_category_id", CCDF).pk}]
    response = client.post(_url(child), _post(cast, rows, **{"cat-0-DELETE": "on", "cat-1-DELETE": "on"}))
    assert response.status_code == 200 and "Choose at least one case category." in response.content.decode()
    response = client.post(_url(child), _post(cast, rows, **{"cat-1-DELETE": "on"}))
    assert response.status_code == 302
    assert list(CaseCategory.objects.values_list("category__code", flat=True)) == [CSIC]


def test_sub_category_of_another_category_is_refused(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    rows = [{"category": code("case_category_id", CSIC).pk, "sub_category": code("emotional_abuse_id", "EAIG").pk}]
    response = client.post(_url(child), _post(cast, rows))
    assert response.status_code == 200 and not Case.objects.exists()
    assert "Choose a sub-category of the chosen category." in response.content.decode()


def test_no_select_is_silently_pre_chosen(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    page = client.get(_url(child)).content.decode()
    for name in ("cat-0-category", "cat-0-sub_category", "perp-0-sex", "perp-0-relationship", "hiv_status"):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
        assert select is not None, name
        assert not re.search(r"<option value=\"[^\"]+\" selected>", select.group(0)), name
        assert "— choose —" in select.group(0), name
    assert "Unknown" in re.search(r'<select name="perp-0-sex".*?</select>', page, re.S).group(0)  # type: ignore[union-attr]
    # The sub-category select follows the category (htmx), and the rows can be added and removed.
    assert f'hx-get="{reverse("cases:subcategory_options")}"' in page
    assert "data-formset-add" in page and "cat-__prefix__-category" in page


def test_perpetrator_without_sex_is_refused(client: Any, cast: Any, login: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    login(client, cast.nairobi_officer)
    rows = [{"category": code("case_category_id", CSIC).pk}]
    response = client.post(_url(child), _post(cast, rows, **{"perp-0-name": "Alleged Testperson"}))
    assert response.status_code == 200 and not Case.objects.exists()
    assert "Choose the perpetrator&#x27;s sex (or Unknown)." in response.content.decode()


def test_edit_adds_and_removes_categories(client: Any, cast: Any, login: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("cases:case_edit", kwargs={"public_id": westlands_case.public_id})
    page = client.get(url).content.decode()
    assert 'name="cat-1-category"' in page  # both stored categories shown (CSIC, CSNG)
    data = {
        "reported_on": westlands_case.reported_on.isoformat(),
        "reporter_type": westlands_case.reporter_type_id,
        "hiv_status": "unknown",
        "version": westlands_case.version,
        **_management("cat", 3, initial=2),
        **_management("perp", 1),
        "cat-0-category": code("case_category_id", CSIC).pk,
        "cat-1-category": code("case_category_id", "CSNG").pk,
        "cat-1-DELETE": "on",
        "cat-2-category": code("case_category_id", CCEA).pk,
        "cat-2-sub_category": code("emotional_abuse_id", "EAIG").pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = CaseCategory.objects.filter(case=westlands_case).select_related("category", "sub_category")
    assert sorted((r.category.code, getattr(r.sub_category, "code", None)) for r in rows) == [
        (CCEA, "EAIG"),
        (CSIC, None),
    ]

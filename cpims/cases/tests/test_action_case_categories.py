"""case_open / case_update with several categories: stored, duplicates and mismatched sub-categories
refused, additions and removals audited with the category codes before and after."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.audit.models import AuditEvent
from cpims.cases import actions
from cpims.cases.models import Case, CaseCategory, CaseEvent
from cpims.cases.tests.conftest import categories, code, open_case


def test_two_categories_are_stored(cast: Any) -> None:
    rows = categories("CSIC", "CCDF")
    rows[0]["sub_category"] = code("neglect_denial_id", "NDBS")
    case = open_case(cast.nairobi_officer, cast.westlands_office, categories=rows)
    stored = list(CaseCategory.objects.filter(case=case).select_related("category", "sub_category").order_by("id"))
    assert [c.category.code for c in stored] == ["CSIC", "CCDF"]
    assert stored[0].sub_category is not None and stored[0].sub_category.code == "NDBS"
    assert CaseEvent.objects.get(case=case, kind="open").details["categories"] == ["CSIC", "CCDF"]


def test_the_same_category_twice_is_refused(cast: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        open_case(cast.nairobi_officer, cast.westlands_office, categories=categories("CSIC", "CSIC"))
    assert "given twice" in str(exc.value.message_dict["categories"])
    assert not Case.objects.exists()


def test_sub_category_of_another_category_is_refused(cast: Any) -> None:
    rows = categories("CSIC")
    rows[0]["sub_category"] = code("emotional_abuse_id", "EAIG")
    with pytest.raises(ValidationError) as exc:
        open_case(cast.nairobi_officer, cast.westlands_office, categories=rows)
    assert "is not a sub-category of" in str(exc.value.message_dict["categories"])
    assert not Case.objects.exists()


def test_adding_and_removing_categories_later_is_audited(cast: Any, westlands_case: Any) -> None:
    # The case was opened with CSIC and CSNG: CSNG removed, CCDF added.
    case = actions.case_update(
        actor=cast.nairobi_officer,
        case=westlands_case,
        expected_version=westlands_case.version,
        categories=categories("CSIC", "CCDF"),
    )
    assert sorted(case.categories.values_list("category__code", flat=True)) == ["CCDF", "CSIC"]
    want = {"before": ["CSIC", "CSNG"], "after": ["CSIC", "CCDF"]}
    assert CaseEvent.objects.get(case=case, kind="update").details["categories"] == want
    assert AuditEvent.objects.filter(action="case.update").latest("id").details["categories"] == want


def test_at_least_one_category_on_update(cast: Any, westlands_case: Any) -> None:
    with pytest.raises(ValidationError):
        actions.case_update(
            actor=cast.nairobi_officer, case=westlands_case, expected_version=westlands_case.version, categories=[]
        )
    assert westlands_case.categories.count() == 2

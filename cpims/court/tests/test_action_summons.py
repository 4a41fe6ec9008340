"""summons_issue / summons_mark: dates checked, honoured yes/no/when, scope enforced."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cpims.cases.models import CaseEvent
from cpims.court.actions import summons_issue, summons_mark
from cpims.court.models import Summons
from cpims.court.tests.conftest import advance, days

pytestmark = pytest.mark.django_db


def issue(actor: Any, case: Any, **changes: Any) -> Summons:
    values: dict[str, Any] = {
        "person_role": "Father",
        "person_name": "Otieno Testparent",
        "issued_on": days(-3),
        "due_on": days(4),
    }
    values.update(changes)
    return summons_issue(actor=actor, case=case, **values)


def test_issue_and_mark_honoured(cast: Any, westlands_case: Any) -> None:
    summons = issue(cast.nairobi_officer, westlands_case)
    assert summons.status == Summons.Status.PENDING and summons.issued_by == cast.nairobi_officer
    summons = summons_mark(actor=cast.nairobi_officer, summons=summons, honoured=True, honoured_on=days(-1))
    assert summons.status == Summons.Status.HONOURED and summons.honoured_on == days(-1)
    assert list(CaseEvent.objects.filter(case=westlands_case).values_list("kind", flat=True).order_by("id"))[-2:] == [
        "summons_issue",
        "summons_mark",
    ]


def test_mark_not_honoured_clears_the_date(cast: Any, westlands_case: Any) -> None:
    summons = issue(cast.nairobi_officer, westlands_case)
    summons = summons_mark(actor=cast.nairobi_officer, summons=summons, honoured=False, honoured_on=days(-1))
    assert summons.status == Summons.Status.NOT_HONOURED and summons.honoured_on is None


def test_honoured_today_by_default(cast: Any, westlands_case: Any) -> None:
    summons = summons_mark(
        actor=cast.nairobi_officer, summons=issue(cast.nairobi_officer, westlands_case), honoured=True
    )
    assert summons.honoured_on == days(0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"person_role": " "}, "person_role"),
        ({"issued_on": days(1), "due_on": days(3)}, "issued_on"),
        ({"issued_on": days(-1), "due_on": days(-2)}, "due_on"),
    ],
)
def test_bad_summons_refused(cast: Any, westlands_case: Any, changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        issue(cast.nairobi_officer, westlands_case, **changes)
    assert field in err.value.message_dict
    assert not Summons.objects.exists()


@pytest.mark.parametrize(("when", "message"), [(1, "future"), (-10, "before it was issued")])
def test_bad_honoured_date_refused(cast: Any, westlands_case: Any, when: int, message: str) -> None:
    summons = issue(cast.nairobi_officer, westlands_case)
    with pytest.raises(ValidationError) as err:
        summons_mark(actor=cast.nairobi_officer, summons=summons, honoured=True, honoured_on=days(when))
    assert message in str(err.value)
    assert Summons.objects.get().status == Summons.Status.PENDING


def test_scope_and_closed_case(cast: Any, westlands_case: Any) -> None:
    with pytest.raises(Http404):
        issue(cast.turkana_coordinator, westlands_case)
    with pytest.raises(PermissionDenied):
        issue(cast.national_me, westlands_case)
    summons = issue(cast.nairobi_officer, westlands_case)
    with pytest.raises(Http404):
        summons_mark(actor=cast.partner, summons=summons, honoured=True)
    advance(westlands_case, cast, "closed")
    with pytest.raises(ValidationError):
        issue(cast.nairobi_officer, westlands_case)
    assert Summons.objects.count() == 1

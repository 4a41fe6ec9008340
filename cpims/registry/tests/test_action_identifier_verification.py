"""identifier_verification_record: a register's answer compared with our record (names in any
order, the same date of birth) and stored beside the identifier; our record is never changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cpims.registry.actions import (
    RegisterAnswer,
    identifier_add,
    identifier_verification_record,
    verification_differences,
)
from cpims.registry.models import IdentifierVerification
from cpims.registry.tests.conftest import id_type

BORN = dt.date(2016, 3, 14)


@pytest.fixture
def child(cast: Any, people: Any) -> Any:
    person = people.nairobi_child("Wanjiku", "Kamau", middle_name="Achieng", date_of_birth=BORN)
    identifier_add(actor=cast.nairobi_officer, person=person, id_type=id_type("ISOV"), value="BC-2016-77")
    return person


def _answer(first: str = "Wanjiku", middle: str = "Achieng", last: str = "Kamau", born: Any = BORN) -> RegisterAnswer:
    return RegisterAnswer(found=True, first_name=first, middle_name=middle, last_name=last, date_of_birth=born)


def test_names_in_another_order_or_case_match(child: Any) -> None:
    assert verification_differences(child, _answer("ACHIENG", "wanjiku", "Kamau")) == []


def test_a_missing_middle_name_and_another_birthday_differ(child: Any) -> None:
    child.middle_name = ""
    assert verification_differences(child, _answer(born=dt.date(2016, 3, 15))) == [
        {"field": "middle_name", "ours": "", "theirs": "Achieng"},
        {"field": "date_of_birth", "ours": "2016-03-14", "theirs": "2016-03-15"},
    ]


def test_extra_other_names_differ(child: Any) -> None:
    child.other_names = "Shiro"
    assert verification_differences(child, _answer()) == [{"field": "other_names", "ours": "Shiro", "theirs": ""}]


def test_recorded_with_the_status_and_audited(cast: Any, child: Any) -> None:
    from cpims.audit.models import AuditEvent

    identifier = child.identifiers.get()
    matched = identifier_verification_record(actor=cast.nairobi_officer, identifier=identifier, answer=_answer())
    missing = identifier_verification_record(
        actor=cast.nairobi_officer, identifier=identifier, answer=RegisterAnswer(found=False)
    )
    assert (matched.status, missing.status) == ("matched", "not_found")
    assert list(identifier.verifications.all()) == [missing, matched]  # newest first
    assert AuditEvent.objects.filter(action="identifier.verify", object_id=str(child.public_id)).count() == 2


def test_refused_without_child_update(cast: Any, child: Any) -> None:
    with pytest.raises(PermissionDenied):
        identifier_verification_record(actor=cast.national_me, identifier=child.identifiers.get(), answer=_answer())
    assert not IdentifierVerification.objects.exists()

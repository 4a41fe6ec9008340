"""person_update: changes are audited by field name only; a stale edit is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cpims.audit.models import AuditEvent
from cpims.registry.actions import PersonInput, person_update
from cpims.registry.models import NameToken, Person


def test_update_reindexes_names_and_audits_field_names(cast: Any, people: Any) -> None:
    child = people.nairobi_child()
    data = PersonInput.from_person(child)
    data.first_name = "Wanjiru"
    data.village = "Kangemi"
    person_update(actor=cast.nairobi_officer, person=child, data=data, expected_updated_at=child.updated_at)
    child.refresh_from_db()
    assert child.first_name == "Wanjiru"
    assert NameToken.objects.filter(person=child, token="wanjiru").exists()
    assert not NameToken.objects.filter(person=child, token="wanjiku").exists()
    event = AuditEvent.objects.get(action="person.update")
    assert event.details["fields"] == ["first_name", "village"]
    assert "Wanjiru" not in str(event.details)
    assert child.history.count() == 2


def test_stale_edit_is_refused(cast: Any, people: Any) -> None:
    child = people.nairobi_child()
    opened_at = child.updated_at
    other = PersonInput.from_person(child)
    other.village = "Kawangware"
    person_update(actor=cast.nairobi_coordinator, person=child, data=other, expected_updated_at=opened_at)
    stale = Person.objects.get(pk=child.pk)
    mine = PersonInput.from_person(stale)
    mine.first_name = "Njeri"
    with pytest.raises(ValidationError) as info:
        person_update(actor=cast.nairobi_officer, person=stale, data=mine, expected_updated_at=opened_at)
    assert "Someone else changed this record" in info.value.messages[0]
    stale.refresh_from_db()
    assert stale.first_name == "Wanjiku" and stale.village == "Kawangware"


def test_update_validates(cast: Any, people: Any) -> None:
    child = people.nairobi_child()
    data = PersonInput.from_person(child)
    data.date_of_birth = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(ValidationError):
        person_update(actor=cast.nairobi_officer, person=child, data=data, expected_updated_at=child.updated_at)
    assert Person.objects.get(pk=child.pk).date_of_birth == child.date_of_birth

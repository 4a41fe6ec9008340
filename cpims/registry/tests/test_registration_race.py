"""The same child registered twice at the same moment ends as one record: the second registration
runs the duplicate check again under a lock on the child's names and is refused with what it found."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from cpims.audit.models import AuditEvent
from cpims.registry import queries
from cpims.registry.actions import LikelyDuplicates, child_register
from cpims.registry.models import Person
from cpims.registry.tests.conftest import child_input


def _register(cast: Any, people: Any, *, recheck: bool) -> Any:
    child = child_input("Achieng", "Otieno", ward=people.westlands_ward)
    return child_register(
        actor=cast.nairobi_officer,
        org_unit=cast.westlands_office,
        child=child,
        recheck=queries.duplicate_recheck(cast.nairobi_officer, child) if recheck else None,
    )


def test_a_match_registered_meanwhile_refuses_the_second_and_writes_nothing(cast: Any, people: Any) -> None:
    first = _register(cast, people, recheck=True).child
    people_before, events_before = Person.objects.count(), AuditEvent.objects.count()
    # The officer's own check found nothing (it ran before the first was saved); the recheck under
    # the lock finds the first.
    with pytest.raises(LikelyDuplicates) as refused:
        _register(cast, people, recheck=True)
    assert [c.person.pk for c in refused.value.candidates] == [first.pk]
    assert Person.objects.count() == people_before
    assert AuditEvent.objects.count() == events_before


def test_register_anyway_skips_the_recheck(cast: Any, people: Any) -> None:
    _register(cast, people, recheck=True)
    _register(cast, people, recheck=False)
    assert Person.objects.filter(first_name="Achieng", last_name="Otieno").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_child_sent_twice_at_once_makes_one_record(cast: Any, people: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's concurrent transactions")
    officers = [cast.nairobi_officer, cast.nairobi_officer]  # a double submit, or a retry
    barrier = threading.Barrier(len(officers))
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send(officer: Any) -> None:
        try:
            child = child_input("Achieng", "Otieno", ward=people.westlands_ward)
            # Both officers' own checks run before either registration is saved.
            assert queries.duplicate_candidates(officer, child, audit=False) == []
            barrier.wait()
            try:
                child_register(
                    actor=officer,
                    org_unit=cast.westlands_office,
                    child=child,
                    recheck=queries.duplicate_recheck(officer, child),
                )
                outcome = "registered"
            except LikelyDuplicates:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["refused", "registered"]
    assert Person.objects.filter(first_name="Achieng", last_name="Otieno").count() == 1

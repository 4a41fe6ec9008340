"""identifier_verify: IPRS's answer is recorded beside the identifier (matched, mismatch, not found),
audited, and the person's record is never changed; IPRS down or slow records nothing and audits the
failure; the permission is checked before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.audit.models import AuditEvent
from cpims.integrations.iprs import client
from cpims.integrations.iprs.actions import identifier_verify
from cpims.integrations.iprs.tests.conftest import NUMBER
from cpims.registry.models import IdentifierVerification, Person

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_match_is_recorded_and_audited(iprs: Any, cast: Any, identifier: Any) -> None:
    iprs.hold(NUMBER, "Wanjiku", "Achieng", "Kamau", "2016-03-14")
    result = identifier_verify(actor=cast.nairobi_officer, identifier=identifier)
    assert result.status == IdentifierVerification.Status.MATCHED and result.differences == []
    assert result.verified_by == cast.nairobi_officer and result.reference == "FAKE-REF-1"
    (event,) = _events("identifier.verify")
    assert event.details["status"] == "matched" and event.details["type"] == "ISOV"
    assert NUMBER not in str(event.details) and "Kamau" not in str(event.details)


def test_a_mismatch_is_kept_side_by_side_and_the_record_unchanged(iprs: Any, cast: Any, identifier: Any) -> None:
    iprs.hold(NUMBER, "Wanjiku", "Achieng", "Kamau-Otieno", "2015-03-14")
    before = Person.objects.get(pk=identifier.person_id)
    result = identifier_verify(actor=cast.nairobi_officer, identifier=identifier)
    assert result.status == IdentifierVerification.Status.MISMATCH
    assert result.differences == [
        {"field": "last_name", "ours": "Kamau", "theirs": "Kamau-Otieno"},
        {"field": "date_of_birth", "ours": "2016-03-14", "theirs": "2015-03-14"},
    ]
    after = Person.objects.get(pk=identifier.person_id)
    assert (after.last_name, after.date_of_birth, after.updated_at) == (
        before.last_name,
        before.date_of_birth,
        before.updated_at,
    )
    assert _events("identifier.verify")[0].details["differs"] == ["last_name", "date_of_birth"]


def test_not_found_is_recorded(iprs: Any, cast: Any, identifier: Any) -> None:
    result = identifier_verify(actor=cast.nairobi_officer, identifier=identifier)
    assert result.status == IdentifierVerification.Status.NOT_FOUND and result.first_name == ""


@pytest.mark.parametrize(("status", "delay", "code"), [(503, 0, "down"), (None, 5, "timeout")])
def test_iprs_down_or_slow_records_nothing_and_audits_the_failure(
    iprs: Any, cast: Any, identifier: Any, status: Any, delay: float, code: str
) -> None:
    iprs.status, iprs.delay = status, delay
    with pytest.raises(client.IprsError) as exc:
        identifier_verify(actor=cast.nairobi_officer, identifier=identifier)
    assert exc.value.code == code
    assert not IdentifierVerification.objects.exists()
    (event,) = _events("iprs.verify_failed")
    assert event.details == {"type": "ISOV", "problem": code, "via": "web"}


@pytest.mark.parametrize("who", ["turkana_officer", "national_me", "partner"])
def test_without_child_update_over_the_person_nothing_is_sent(iprs: Any, cast: Any, identifier: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        identifier_verify(actor=cast.users()[who], identifier=identifier)
    assert iprs.requests == [] and not IdentifierVerification.objects.exists()


def test_a_passport_number_is_not_sent(iprs: Any, cast: Any, child: Any) -> None:
    from cpims.registry.actions import identifier_add
    from cpims.registry.tests.conftest import id_type

    passport = identifier_add(actor=cast.nairobi_officer, person=child, id_type=id_type("IPPN"), value="A1234567")
    with pytest.raises(ValidationError):
        identifier_verify(actor=cast.nairobi_officer, identifier=passport)
    assert iprs.requests == []

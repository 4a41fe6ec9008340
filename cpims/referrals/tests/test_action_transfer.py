from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.audit.models import AuditEvent
from cpims.cases import queries as case_queries
from cpims.cases.models import Case, CaseAccess, CaseEvent
from cpims.referrals import actions
from cpims.referrals.models import Transfer
from cpims.referrals.tests.conftest import open_case


def _request(cast: Any, case: Any, office: Any = None) -> Transfer:
    return actions.transfer_request(
        actor=cast.nairobi_officer,
        case=case,
        to_office=office or cast.turkana_central_office,
        reason="The family moved to Lodwar",
    )


def test_request_and_accept_moves_ownership_and_keeps_history(cast: Any, westlands_case: Any) -> None:
    number = westlands_case.case_number
    transfer = _request(cast, westlands_case)
    assert transfer.status == Transfer.Status.PENDING and transfer.from_office == cast.westlands_office
    # The receiving office may review the case while the request waits.
    assert case_queries.cases_visible_to(cast.turkana_officer).filter(pk=westlands_case.pk).exists()
    events_before = CaseEvent.objects.filter(case=westlands_case).count()

    transfer = actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    assert transfer.status == Transfer.Status.ACCEPTED and transfer.answered_by == cast.turkana_officer
    case = Case.objects.get(pk=westlands_case.pk)
    assert case.office == cast.turkana_central_office and case.case_number == number
    assert case.county_id == cast.turkana_central_office.county_id
    assert CaseEvent.objects.filter(case=case).count() > events_before  # history stays, and grows
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"open", "transfer_requested", "office_change", "transfer_accepted"} <= kinds
    # The review access ended; the old office keeps no access to the case.
    assert not CaseAccess.objects.filter(case=case, revoked_at__isnull=True).exists()
    assert not case_queries.cases_visible_to(cast.nairobi_officer).filter(pk=case.pk).exists()
    assert case_queries.cases_visible_to(cast.turkana_coordinator).filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(action="case.transfer_accepted").count() == 1


def test_decline_with_reason(cast: Any, westlands_case: Any) -> None:
    transfer = _request(cast, westlands_case)
    with pytest.raises(ValidationError):
        actions.transfer_decline(actor=cast.turkana_officer, transfer=transfer, reason="")
    transfer = actions.transfer_decline(actor=cast.turkana_officer, transfer=transfer, reason="Not our area")
    assert transfer.status == Transfer.Status.DECLINED and transfer.decline_reason == "Not our area"
    case = Case.objects.get(pk=westlands_case.pk)
    assert case.office == cast.westlands_office
    assert not case_queries.cases_visible_to(cast.turkana_officer).filter(pk=case.pk).exists()
    # Once declined, a new request may be made.
    assert _request(cast, case).status == Transfer.Status.PENDING


def test_double_answers_refused(cast: Any, westlands_case: Any) -> None:
    transfer = _request(cast, westlands_case)
    stale = Transfer.objects.get(pk=transfer.pk)
    actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    for attempt in (
        lambda: actions.transfer_accept(actor=cast.turkana_officer, transfer=stale),
        lambda: actions.transfer_decline(actor=cast.turkana_officer, transfer=stale, reason="late"),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.code == "stale"
    assert AuditEvent.objects.filter(action="case.office_change").count() == 1


def test_who_may_request_and_answer(cast: Any, westlands_case: Any) -> None:
    for user in (cast.turkana_officer, cast.national_me, cast.partner):
        with pytest.raises(PermissionDenied):
            actions.transfer_request(actor=user, case=westlands_case, to_office=cast.turkana_central_office, reason="x")
    transfer = _request(cast, westlands_case)
    # Only case.transfer *at* the receiving office answers (not the sender, not the county above it).
    for user in (cast.nairobi_officer, cast.turkana_coordinator, cast.partner):
        with pytest.raises(PermissionDenied):
            actions.transfer_accept(actor=user, transfer=transfer)
    # The reviewing office cannot itself request a transfer of a case it does not own.
    with pytest.raises(PermissionDenied):
        actions.transfer_request(
            actor=cast.turkana_officer, case=westlands_case, to_office=cast.turkana_office, reason="x"
        )


def test_request_validation(cast: Any, westlands_case: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.transfer_request(actor=cast.nairobi_officer, case=westlands_case, to_office=cast.nairobi_ngo, reason="")
    assert {"to_office", "reason"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        actions.transfer_request(
            actor=cast.nairobi_officer, case=westlands_case, to_office=cast.westlands_office, reason="x"
        )
    _request(cast, westlands_case)
    with pytest.raises(ValidationError) as exc:
        _request(cast, westlands_case, cast.turkana_office)
    assert "already awaiting an answer" in exc.value.message_dict["to_office"][0]
    assert Transfer.objects.count() == 1


def test_accept_keeps_numbers_when_the_receiver_has_the_same_serial(cast: Any, westlands_case: Any) -> None:
    """Each office numbers its own cases, so both offices hold serial 1 of the year; a case keeps
    its number for life, and the move must not collide with the receiver's own case 1."""
    own = open_case(cast.turkana_officer, cast.turkana_central_office)
    assert (own.year, own.serial) == (westlands_case.year, westlands_case.serial) == (own.year, 1)
    numbers = {westlands_case.pk: westlands_case.case_number, own.pk: own.case_number}

    actions.transfer_accept(actor=cast.turkana_officer, transfer=_request(cast, westlands_case))

    moved = Case.objects.get(pk=westlands_case.pk)
    assert moved.office == cast.turkana_central_office
    assert moved.numbered_by == cast.westlands_office  # the issuing office never changes
    after = dict(Case.objects.filter(pk__in=numbers).values_list("pk", "case_number"))
    assert after == numbers and len(set(after.values())) == 2
    # The receiver's own counter goes on from its own last serial.
    assert open_case(cast.turkana_officer, cast.turkana_central_office).serial == 2

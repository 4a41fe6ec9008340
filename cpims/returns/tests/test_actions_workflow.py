"""The return workflow: submit, send back, resubmit, approve, lock, audited correction; refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpims.audit.models import AuditEvent
from cpims.core.periods import Period
from cpims.returns import actions
from cpims.returns.models import MonthlyReturn, ReturnEvent
from cpims.returns.tests.conftest import eat, opened

JULY = "2026-07"


def _audits(ret: MonthlyReturn) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(ret.public_id), action__startswith="return.")
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.fixture
def july(cast: Any) -> MonthlyReturn:
    return opened(cast, period=Period.parse(JULY), now=eat(2026, 7, 25))


def test_full_workflow(cast: Any, july: MonthlyReturn) -> None:
    officer, coordinator = cast.nairobi_officer, cast.nairobi_coordinator
    assert july.status == "draft" and july.kind == "subcounty"
    assert july.paper == {"vco_cases": 0, "chief_cases": 0, "line_ministry_cases": 0, "community_forums": 0}
    assert "cases_reported" in july.prefilled

    ret = actions.return_save(
        actor=officer,
        ret=july,
        paper={"vco_cases": "4", "chief_cases": 2},
        expected_version=july.version,
        now=eat(2026, 8, 1),
    )
    assert ret.paper["vco_cases"] == 4 and ret.paper["chief_cases"] == 2 and ret.version == 2

    ret = actions.return_submit(actor=officer, ret=ret, expected_version=ret.version, now=eat(2026, 8, 4))
    assert ret.status == "submitted" and ret.on_time is True

    with pytest.raises(ValidationError) as exc:
        actions.return_send_back(actor=coordinator, ret=ret, comment="  ", expected_version=ret.version)
    assert "comment" in exc.value.message_dict
    ret = actions.return_send_back(
        actor=coordinator, ret=ret, comment="Add the chiefs' cases", expected_version=ret.version, now=eat(2026, 8, 5)
    )
    assert ret.status == "returned"

    ret = actions.return_save(
        actor=officer,
        ret=ret,
        paper={"vco_cases": 4, "chief_cases": 7},
        expected_version=ret.version,
        now=eat(2026, 8, 8),
    )
    # Resubmitted after the deadline: still on time, by the first submission (DCS practice).
    ret = actions.return_submit(actor=officer, ret=ret, expected_version=ret.version, now=eat(2026, 8, 9))
    assert ret.status == "submitted" and ret.on_time is True
    assert ret.first_submitted_at == eat(2026, 8, 4) and ret.submitted_at == eat(2026, 8, 9)

    ret = actions.return_approve(actor=coordinator, ret=ret, expected_version=ret.version, now=eat(2026, 8, 10))
    assert ret.status == "approved" and ret.approved_by == coordinator

    # Locked: the figures cannot change.
    with pytest.raises(ValidationError) as exc:
        actions.return_save(actor=officer, ret=ret, paper={"vco_cases": 9}, expected_version=ret.version)
    assert exc.value.code == "locked"
    with pytest.raises(ValidationError):
        actions.return_submit(actor=officer, ret=ret, expected_version=ret.version)
    ret.refresh_from_db()
    assert ret.paper["vco_cases"] == 4

    kinds = list(ret.events.values_list("kind", flat=True))
    assert kinds == ["created", "saved", "submitted", "returned", "saved", "resubmitted", "approved"]
    assert ret.events.get(kind="returned").comment == "Add the chiefs' cases"
    assert _audits(ret) == [
        "return.create",
        "return.save",
        "return.submit",
        "return.send_back",
        "return.save",
        "return.resubmit",
        "return.approve",
    ]


def _approved(cast: Any, july: MonthlyReturn) -> MonthlyReturn:
    ret = actions.return_save(
        actor=cast.nairobi_officer, ret=july, paper={"vco_cases": 3}, expected_version=july.version, now=eat(2026, 8, 1)
    )
    ret = actions.return_submit(actor=cast.nairobi_officer, ret=ret, expected_version=ret.version, now=eat(2026, 8, 2))
    return actions.return_approve(
        actor=cast.nairobi_coordinator, ret=ret, expected_version=ret.version, now=eat(2026, 8, 3)
    )


def test_audited_correction_keeps_the_approved_figures(cast: Any, july: MonthlyReturn) -> None:
    ret = _approved(cast, july)
    with pytest.raises(ValidationError) as exc:
        actions.return_reopen(actor=cast.nairobi_coordinator, ret=ret, reason="", expected_version=ret.version)
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # the officer may not reopen an approved return
        actions.return_reopen(actor=cast.nairobi_officer, ret=ret, reason="typo", expected_version=ret.version)

    ret = actions.return_reopen(
        actor=cast.national_me,
        ret=ret,
        reason="VCO figure was mistyped",
        expected_version=ret.version,
        now=eat(2026, 9, 1),
    )
    assert ret.status == "returned" and ret.revision == 2
    reopened = ret.events.get(kind="reopened")
    assert reopened.comment == "VCO figure was mistyped"
    assert reopened.figures["paper"]["vco_cases"] == 3 and reopened.revision == 1
    assert AuditEvent.objects.filter(action="return.reopen", object_id=str(ret.public_id)).count() == 1

    ret = actions.return_save(
        actor=cast.nairobi_officer, ret=ret, paper={"vco_cases": 30}, expected_version=ret.version, now=eat(2026, 9, 2)
    )
    ret = actions.return_submit(actor=cast.nairobi_officer, ret=ret, expected_version=ret.version, now=eat(2026, 9, 2))
    assert ret.on_time is True  # timeliness stays with the first submission
    ret = actions.return_approve(actor=cast.nairobi_coordinator, ret=ret, expected_version=ret.version)
    assert ret.status == "approved" and ret.paper["vco_cases"] == 30
    # History keeps both versions' figures.
    approvals = list(ret.events.filter(kind="approved").order_by("id"))
    assert [e.figures["paper"]["vco_cases"] for e in approvals] == [3, 30]
    assert [e.revision for e in approvals] == [1, 2]


def test_nobody_approves_their_own_return(cast: Any, july: MonthlyReturn) -> None:
    from conftest import make_user
    from cpims.accounts import roles as R
    from cpims.accounts.models import Assignment, Role

    # One person who both prepares the Westlands return and approves for Nairobi county.
    dual = make_user("dual_officer", R.SUBCOUNTY_OFFICER, cast.westlands_office)
    Assignment.objects.create(user=dual, role=Role.objects.get(code=R.COUNTY_COORDINATOR), org_unit=cast.nairobi_office)
    ret = actions.return_submit(actor=dual, ret=july, expected_version=july.version, now=eat(2026, 8, 1))
    with pytest.raises(PermissionDenied):
        actions.return_approve(actor=dual, ret=ret, expected_version=ret.version)
    with pytest.raises(PermissionDenied):
        actions.return_send_back(actor=dual, ret=ret, comment="x", expected_version=ret.version)
    ret.refresh_from_db()
    assert ret.status == "submitted"
    ret = actions.return_approve(actor=cast.nairobi_coordinator, ret=ret, expected_version=ret.version)
    assert ret.status == "approved"


@pytest.mark.parametrize("who", ["nairobi_officer", "turkana_coordinator", "partner", "stakeholder", "admin"])
def test_only_a_reviewer_over_the_return_approves(cast: Any, july: MonthlyReturn, who: str) -> None:
    ret = actions.return_submit(
        actor=cast.nairobi_officer, ret=july, expected_version=july.version, now=eat(2026, 8, 1)
    )
    with pytest.raises(PermissionDenied):
        actions.return_approve(actor=cast.users()[who], ret=ret, expected_version=ret.version)
    ret.refresh_from_db()
    assert ret.status == "submitted"


@pytest.mark.parametrize("who", ["nairobi_coordinator", "national_me", "partner", "turkana_officer"])
def test_only_the_units_own_staff_prepare_its_return(cast: Any, july: MonthlyReturn, who: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.return_save(actor=cast.users()[who], ret=july, paper={"vco_cases": 1}, expected_version=july.version)
    with pytest.raises(PermissionDenied):
        actions.return_open(actor=cast.users()[who], org_unit=cast.westlands_office, period=Period.parse("2026-06"))


def test_stale_save_is_refused_and_nothing_is_written(cast: Any, july: MonthlyReturn) -> None:
    old = july.version
    actions.return_save(actor=cast.nairobi_officer, ret=july, paper={"vco_cases": 1}, expected_version=old)
    with pytest.raises(ValidationError) as exc:
        actions.return_save(actor=cast.nairobi_officer, ret=july, paper={"vco_cases": 5}, expected_version=old)
    assert exc.value.code == "stale"
    july.refresh_from_db()
    assert july.paper["vco_cases"] == 1


@pytest.mark.parametrize("bad", [-1, "2.5", "abc", True, 10**9])
def test_paper_figures_are_non_negative_integers(cast: Any, july: MonthlyReturn, bad: Any) -> None:
    before = ReturnEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        actions.return_save(
            actor=cast.nairobi_officer, ret=july, paper={"vco_cases": bad}, expected_version=july.version
        )
    assert "vco_cases" in exc.value.message_dict
    assert ReturnEvent.objects.count() == before


def test_unknown_paper_figures_are_refused(cast: Any, july: MonthlyReturn) -> None:
    with pytest.raises(ValidationError):
        actions.return_save(actor=cast.nairobi_officer, ret=july, paper={"salary": 1}, expected_version=july.version)


def test_opening_twice_gives_the_same_return(cast: Any, july: MonthlyReturn) -> None:
    again = opened(cast, period=Period.parse(JULY), now=eat(2026, 7, 26))
    assert again.pk == july.pk
    assert MonthlyReturn.objects.filter(org_unit=cast.westlands_office).count() == 1


def test_a_unit_of_no_registered_kind_files_no_return(cast: Any) -> None:
    from conftest import make_user
    from cpims.accounts import roles as R

    boss = make_user("county_submitter", R.COUNTY_COORDINATOR, cast.nairobi_office)
    with pytest.raises(ValidationError):
        actions.return_open(actor=boss, org_unit=cast.nairobi_office, period=Period.parse(JULY), now=eat(2026, 8, 1))


def test_partner_prefill_counts_services_and_referrals(cast: Any) -> None:
    from django.utils import timezone

    from cpims.cases.tests.conftest import open_case
    from cpims.referrals import actions as referral_actions
    from cpims.referrals.tests.conftest import refer
    from cpims.returns.queries import last_months

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    referral = refer(cast, case)
    referral_actions.referral_accept(actor=cast.partner, referral=referral)
    referral_actions.referral_complete(actor=cast.partner, referral=referral, notes="Counselled")
    this_month = last_months(1)[0]
    ret = opened(cast, unit=cast.nairobi_ngo, user=cast.partner, period=this_month)
    assert ret.prefilled["referrals_received"] == 1
    assert ret.prefilled["referrals_completed"] == (1 if this_month.contains(timezone.localdate()) else 0)
    assert ret.prefilled["services_recorded"] == 0

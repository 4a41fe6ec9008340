"""court_dates: the pending date is the latest session's next date; upcoming vs missed; scope."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.court.queries import MISSED, UPCOMING, court_dates
from cpims.court.tests.conftest import days, outcome, record_session

pytestmark = pytest.mark.django_db


def test_latest_session_sets_the_pending_date(cast: Any, westlands_case: Any, court: Any) -> None:
    first = record_session(cast.nairobi_officer, westlands_case, held_on=days(-20), next_date=days(-5))
    assert list(court_dates(cast.nairobi_officer, when=MISSED)) == [first]
    assert not court_dates(cast.nairobi_officer, when=UPCOMING).exists()
    second = record_session(cast.nairobi_officer, westlands_case, held_on=days(-5), next_date=days(7))
    assert not court_dates(cast.nairobi_officer, when=MISSED).exists()
    assert list(court_dates(cast.nairobi_officer, when=UPCOMING)) == [second]
    # A session with no next date (judgment) takes the case off the diary.
    record_session(cast.nairobi_officer, westlands_case, held_on=days(-1), outcome=outcome("CRJD"), next_date=None)
    assert not court_dates(cast.nairobi_officer, when=UPCOMING).exists()


def test_scope(cast: Any, westlands_case: Any, turkana_case: Any, court: Any) -> None:
    mine = record_session(cast.nairobi_officer, westlands_case)
    theirs = record_session(cast.turkana_officer, turkana_case, court=None, court_name="Lodwar Law Courts")
    assert list(court_dates(cast.nairobi_officer)) == [mine]
    assert list(court_dates(cast.turkana_coordinator)) == [theirs]
    assert set(court_dates(cast.national_me)) == {mine, theirs}
    assert not court_dates(cast.partner).exists() and not court_dates(cast.stakeholder).exists()


def test_referral_access_opens_the_case_to_the_partner(cast: Any, westlands_case: Any, court: Any) -> None:
    from cpims.cases.actions import case_access_grant

    mine = record_session(cast.nairobi_officer, westlands_case)
    case_access_grant(actor=cast.nairobi_officer, case=westlands_case, org_unit=cast.nairobi_ngo, reason="referral")
    assert list(court_dates(cast.partner)) == [mine]

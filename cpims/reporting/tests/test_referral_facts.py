"""Referral facts (one per referral, in its case's area) equal the referrals and follow them."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from cpims.referrals import actions as referral_actions
from cpims.referrals.models import Referral
from cpims.referrals.tests.conftest import refer
from cpims.reporting import facts
from cpims.reporting.models import ReferralFact
from cpims.reporting.queries import referral_facts_visible_to
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db

NAIROBI = timezone.get_fixed_timezone(180)


def _fact_rows() -> set[tuple]:
    facts.catch_up()
    return set(
        ReferralFact.objects.values_list("referral_id", "case_id", "county_id", "sub_county_id", "status", "sent_on")
    )


def _independent() -> set[tuple]:
    return set(
        Referral.objects.values_list("id", "case_id", "case__county_id", "case__sub_county_id", "status", "sent_on")
    )


def _complete(cast: Any, referral: Referral) -> Referral:
    referral_actions.referral_accept(actor=cast.partner, referral=referral)
    return referral_actions.referral_complete(actor=cast.partner, referral=referral, notes="Counselled")


def test_referral_facts_equal_the_referrals_through_send_accept_complete(cast: Any) -> None:
    first = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    second = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 8, 9))
    sent = refer(cast, first)
    done = _complete(cast, refer(cast, second))
    assert _fact_rows() == _independent()
    assert len(_fact_rows()) == 2
    by_status = Counter(ReferralFact.objects.values_list("status", flat=True))
    assert by_status == Counter({"sent": 1, "completed": 1})
    fact = ReferralFact.objects.get(referral=done)
    assert fact.completed_on == timezone.localtime(done.completed_at).date()
    assert ReferralFact.objects.get(referral=sent).completed_on is None


def test_completion_counts_on_the_nairobi_day(cast: Any) -> None:
    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    referral = _complete(cast, refer(cast, opened))
    # 22:30 UTC on 31 October is 01:30 on 1 November in Nairobi: a November completion.
    late = dt.datetime(2025, 10, 31, 22, 30, tzinfo=dt.UTC)
    Referral.objects.filter(pk=referral.pk).update(completed_at=late)
    facts.refresh_cases([opened.pk])
    assert ReferralFact.objects.get(referral=referral).completed_on == dt.date(2025, 11, 1)


def test_a_referral_counts_for_the_office_that_held_the_case_when_sent(cast: Any) -> None:
    # Changed on purpose (issue 12): a transfer no longer moves the referrals sent before it.
    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    before = refer(cast, opened)
    facts.catch_up()
    assert ReferralFact.objects.get(referral=before).county == cast.nairobi_office.county
    transfer = referral_actions.transfer_request(
        actor=cast.nairobi_officer, case=opened, to_office=cast.turkana_central_office, reason="Moved"
    )
    referral_actions.transfer_accept(actor=cast.turkana_officer, transfer=transfer)
    Referral.objects.filter(pk=before.pk).update(sent_on=timezone.localdate() - dt.timedelta(days=1))
    facts.refresh_cases([opened.pk])
    fact = ReferralFact.objects.get(referral=before)
    assert (fact.county, fact.sub_county) == (cast.nairobi_office.county, cast.westlands_office.sub_county)
    # A referral sent from the day the transfer was accepted counts for the new office.
    Referral.objects.filter(pk=before.pk).update(sent_on=timezone.localdate())
    facts.refresh_cases([opened.pk])
    fact = ReferralFact.objects.get(referral=before)
    assert (fact.county, fact.sub_county) == (cast.turkana_office.county, cast.turkana_central_office.sub_county)


def test_the_sweep_catches_a_referral_changed_behind_the_signals(cast: Any) -> None:
    from cpims.reporting.models import FactState

    opened = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    referral = refer(cast, opened)
    facts.catch_up(sweep=True)
    Referral.objects.filter(pk=referral.pk).update(status="declined", updated_at=timezone.now())
    assert ReferralFact.objects.get(referral=referral).status == "sent"
    FactState.objects.update(swept_at=timezone.now() - facts.SWEEP_EVERY * 2)
    assert facts.catch_up(sweep=True) == 1
    assert ReferralFact.objects.get(referral=referral).status == "declined"


def test_rebuild_all_and_the_migration_rebuild_the_same_referral_facts(cast: Any) -> None:
    from django.apps import apps

    first = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3))
    second = case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 9, 1))
    refer(cast, first)
    _complete(cast, refer(cast, second))
    before = _fact_rows()
    ReferralFact.objects.all().delete()
    facts.rebuild_all()
    assert _fact_rows() == before
    ReferralFact.objects.all().delete()
    migration = importlib.import_module("cpims.reporting.migrations.0004_referral_facts")
    migration.build_referral_facts(apps, None)
    assert _fact_rows() == before
    assert set(ReferralFact.objects.values_list("completed_on", flat=True)) == {
        None,
        timezone.localtime(Referral.objects.get(status="completed").completed_at).date(),
    }


def test_referral_facts_are_scoped(cast: Any) -> None:
    refer(cast, case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 3)))
    assert referral_facts_visible_to(cast.nairobi_coordinator).count() == 1
    assert referral_facts_visible_to(cast.national_me).count() == 1
    assert referral_facts_visible_to(cast.turkana_coordinator).count() == 0

"""Service and transfer facts: built with their case's facts, the same whether incremental, rebuilt
or queued by the 0006 migration; the roll-ups stay equal to the facts."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.utils import timezone

from cpims.cases.models import ServiceRecord
from cpims.reporting import facts
from cpims.reporting.models import (
    CaseFact,
    CaseMonth,
    CategoryMonth,
    FactQueue,
    ReferralFact,
    ServiceFact,
    TransferFact,
)
from cpims.reporting.tests.conftest import case
from cpims.reporting.tests.test_figures_independent import serve, transfer
from cpims.reporting.tests.test_rollups import _from_the_records, _rolled_up

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, set[tuple]]:
    facts.catch_up()
    return {
        "cases": set(
            CaseFact.objects.values_list("case_category_id", "office_id", "county_id", "sub_county_id", "month")
        ),
        "referrals": set(ReferralFact.objects.values_list("referral_id", "office_id", "county_id", "sent_on")),
        "services": set(
            ServiceFact.objects.values_list(
                "service_record_id", "service_id", "office_id", "county_id", "sex", "dcs_band"
            )
        ),
        "transfers": set(TransferFact.objects.values_list("transfer_id", "direction", "office_id", "county_id", "on")),
        "months": set(CaseMonth.objects.values_list("month", "county_id", "sub_county_id", "cases", "closed")),
        "categories": set(CategoryMonth.objects.values_list("month", "county_id", "category_id", "n")),
    }


def seed(cast: Any) -> None:
    # Turkana's cases are of another year: a transfer keeps the case number, and two cases of one
    # office cannot share a year and serial.
    westlands = [
        case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 5, 3 + i), categories=cats)
        for i, cats in enumerate([("CSIC",), ("CSRC", "CSIC"), ("CLAB",)])
    ]
    case(cast.turkana_officer, cast.turkana_central_office, reported_on=dt.date(2024, 9, 3))
    first, second = westlands[0], westlands[1]
    serve(cast.nairobi_officer, first, cast.westlands_office, "IFST", first.reported_on)
    transfer(cast, first, first.reported_on + dt.timedelta(days=3))
    transfer(cast, second, second.reported_on + dt.timedelta(days=40))
    serve(cast.turkana_officer, second, cast.turkana_central_office, "CMTN", second.reported_on + dt.timedelta(days=41))
    facts.refresh_cases([first.pk, second.pk])  # the answered dates were set behind the signals


def test_incremental_rebuild_and_migration_agree(cast: Any) -> None:
    from django.apps import apps

    seed(cast)
    incremental = snapshot()
    assert len(incremental["transfers"]) == 4 and len(incremental["services"]) == 2
    assert _rolled_up() == _from_the_records()

    facts.rebuild_all()
    assert snapshot() == incremental

    ServiceFact.objects.all().delete()
    TransferFact.objects.all().delete()
    migration = importlib.import_module("cpims.reporting.migrations.0006_service_and_transfer_facts")
    migration.queue_moved_and_served_cases(apps, None)
    assert FactQueue.objects.count() == 2  # the two moved cases (the served ones among them)
    assert snapshot() == incremental


def test_a_service_without_a_case_is_not_a_service_fact(cast: Any) -> None:
    from cpims.cases.actions import service_record
    from cpims.cases.tests.conftest import code
    from cpims.reporting.tests.dashboards.conftest import child

    kid = child(cast.nairobi_officer, cast.westlands_office, n=70)
    service_record(
        actor=cast.nairobi_officer,
        child=kid,
        service=code("intervention_id", "IFST"),
        given_on=timezone.localdate(),
        provider=cast.westlands_office,
    )
    facts.catch_up()
    assert ServiceRecord.objects.count() == 1 and ServiceFact.objects.count() == 0

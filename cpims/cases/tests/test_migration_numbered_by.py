"""Migration 0005 fills a case's issuing office from its number, also for a case transferred before."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps

from cpims.cases.models import Case
from cpims.cases.tests.conftest import open_case

migration = importlib.import_module("cpims.cases.migrations.0005_case_numbered_by")


def test_fill_takes_the_issuer_from_the_number(cast: Any, westlands_case: Any) -> None:
    own = open_case(cast.turkana_officer, cast.turkana_central_office)
    own.case_number = "UNKNOWN-OFFICE/2026/00001"  # no issuer matches: the owning office stays
    own.save(update_fields=["case_number"])
    # As a case moved before the field existed looks once filled naively from its owning office.
    Case.objects.filter(pk=westlands_case.pk).update(
        office=cast.turkana_central_office, numbered_by=cast.turkana_central_office, serial=99
    )

    migration.fill_numbered_by(apps, None)

    issuers = dict(Case.objects.values_list("pk", "numbered_by"))
    assert issuers == {westlands_case.pk: cast.westlands_office.pk, own.pk: cast.turkana_central_office.pk}

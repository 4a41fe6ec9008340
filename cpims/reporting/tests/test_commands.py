"""rebuild_facts and the demo loader."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cpims.reporting.models import CaseFact
from cpims.reporting.tests.conftest import case

pytestmark = pytest.mark.django_db


def test_rebuild_facts_command(cast: Any) -> None:
    made = case(
        cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10), categories=("CSIC", "CLAB")
    )
    out = StringIO()
    call_command("rebuild_facts", stdout=out)
    assert "1 cases" in out.getvalue()
    assert CaseFact.objects.filter(case=made).count() == 2
    call_command("rebuild_facts", "--catch-up", stdout=out)


def test_demo_loader_is_idempotent(cast: Any) -> None:
    from cpims.reporting.demo import load_demo_reporting

    case(cast.nairobi_officer, cast.westlands_office, reported_on=dt.date(2025, 7, 10))
    load_demo_reporting()
    load_demo_reporting()
    assert CaseFact.objects.count() == 1


def test_demo_figures_equal_an_independent_count(cast: Any) -> None:
    from collections import Counter

    from conftest import make_user
    from cpims.accounts import roles as R
    from cpims.cases.demo import load_demo_cases
    from cpims.cases.models import Case
    from cpims.core.periods import Period
    from cpims.geo.models import OrgUnit
    from cpims.reporting.demo import load_demo_reporting
    from cpims.reporting.queries import fact_counts
    from cpims.reporting.tests.test_facts import independent

    make_user("demo.officer", R.SUBCOUNTY_OFFICER, OrgUnit.objects.get(code="DCS-SC274"))
    make_user("demo.coordinator", R.COUNTY_COORDINATOR, OrgUnit.objects.get(code="DCS-C047"))
    make_user("demo.partner", R.PARTNER_CASEWORKER, cast.nairobi_ngo)
    load_demo_cases()
    load_demo_reporting()
    assert CaseFact.objects.filter(primary=True).count() == Case.objects.count() == 5
    for year in {c.reported_on.year for c in Case.objects.all()}:
        period = Period.calendar_year(year)
        got = fact_counts(cast.national_me, period=period, group_by=["category", "sex", "dcs_band"])
        assert Counter(got) == independent(period.start, period.end)
        quarters = {Period.containing("quarter", c.reported_on) for c in Case.objects.all()}
        for quarter in quarters:
            assert sum(fact_counts(cast.national_me, period=quarter, group_by=[], cases_only=True).values()) == sum(
                1 for c in Case.objects.all() if quarter.contains(c.reported_on)
            )


def test_purge_downloads(cast: Any, settings: Any, tmp_path: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from cpims.reporting.downloads import download_start
    from cpims.reporting.models import Download

    settings.MEDIA_ROOT = tmp_path
    old = download_start(actor=cast.national_me, kind="caseload_export", params={"period": "2025/26", "format": "csv"})
    path = old.file.path
    Download.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    new = download_start(actor=cast.national_me, kind="caseload_export", params={"period": "2025/26", "format": "csv"})
    call_command("purge_downloads", stdout=StringIO())
    assert list(Download.objects.values_list("pk", flat=True)) == [new.pk]
    import os

    assert not os.path.exists(path)

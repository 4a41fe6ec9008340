"""Completeness and timeliness against an independent count, at deadline edges, by area and scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cpims.core.periods import Period
from cpims.geo.models import Area, OrgUnit
from cpims.returns import actions, registry
from cpims.returns.models import MonthlyReturn
from cpims.returns.queries import completeness
from cpims.returns.tests.conftest import eat

JULY = Period.parse("2026-07")


def _officer_of(unit: OrgUnit) -> Any:
    from conftest import make_user
    from cpims.accounts import roles as R

    return make_user(f"officer_{unit.code.lower().replace('-', '_')}", R.SUBCOUNTY_OFFICER, unit)


def _submit(unit: OrgUnit, user: Any, at: Any, period: Period = JULY) -> MonthlyReturn:
    ret = actions.return_open(actor=user, org_unit=unit, period=period, now=eat(2026, 7, 31, 8))
    return actions.return_submit(actor=user, ret=ret, expected_version=ret.version, now=at)


@pytest.fixture
def nairobi_returns(cast: Any) -> dict[str, Any]:
    """Westlands on time at the last second; another Nairobi office one second late; a third on
    time, sent back and resubmitted late (on time by its first submission); a fourth sent back and
    not resubmitted; the NGO still a draft; Turkana Central on time."""
    offices = list(
        OrgUnit.objects.filter(county=cast.nairobi_office.county, kind="sub_county_office", is_active=True)
        .exclude(pk=cast.westlands_office.pk)
        .order_by("code")[:3]
    )
    late_unit, resubmit_unit, returned_unit = offices
    _submit(cast.westlands_office, cast.nairobi_officer, eat(2026, 8, 5, 23, 59, 59))
    _submit(late_unit, _officer_of(late_unit), eat(2026, 8, 6, 0, 0, 0))
    r = _submit(resubmit_unit, officer := _officer_of(resubmit_unit), eat(2026, 8, 4))
    r = actions.return_send_back(actor=cast.nairobi_coordinator, ret=r, comment="Fix", expected_version=r.version)
    actions.return_submit(actor=officer, ret=r, expected_version=r.version, now=eat(2026, 8, 20))
    r = _submit(returned_unit, _officer_of(returned_unit), eat(2026, 8, 2))
    actions.return_send_back(actor=cast.nairobi_coordinator, ret=r, comment="Fix", expected_version=r.version)
    actions.return_open(actor=cast.partner, org_unit=cast.nairobi_ngo, period=JULY, now=eat(2026, 7, 31, 8))
    _submit(cast.turkana_central_office, cast.turkana_officer, eat(2026, 8, 1))
    return {"late": late_unit, "resubmit": resubmit_unit, "returned": returned_unit}


def _independent(county: Area | None = None, sub_county: Area | None = None) -> tuple[int, int, int]:
    """Expected, received, on time — counted unit by unit in Python, not with the query."""
    kinds = registry.expected_org_unit_kinds()
    expected = received = on_time = 0
    for unit in OrgUnit.objects.all():
        if unit.kind not in kinds or not unit.is_active:
            continue
        if county is not None and unit.county_id != county.pk:
            continue
        if sub_county is not None and unit.sub_county_id != sub_county.pk:
            continue
        expected += 1
        ret = MonthlyReturn.objects.filter(org_unit=unit, month=JULY.start).first()
        if ret is not None and ret.status in ("submitted", "approved"):
            received += 1
            if ret.first_submitted_at < registry.get_kind(ret.kind).deadline(JULY):
                on_time += 1
    return expected, received, on_time


def test_national_figures_equal_an_independent_count(cast: Any, nairobi_returns: dict[str, Any]) -> None:
    [total] = completeness(cast.national_me, period=JULY)
    e, r, t = _independent()
    assert (total.expected, total.received, total.on_time) == (e, r, t)
    assert r == 4 and t == 3  # Westlands, late office, resubmitted (first date), Turkana Central
    assert total.completeness_pct == round(100 * r / e, 1)
    assert total.timeliness_pct == round(100 * t / e, 1)


def test_by_county_and_sub_county(
    cast: Any, nairobi_returns: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    nairobi = cast.nairobi_office.county
    with django_assert_max_num_queries(6):
        rows = completeness(cast.national_me, period=JULY, group_by="county")
    by_key = {row.key: row for row in rows}
    assert (by_key[nairobi.pk].expected, by_key[nairobi.pk].received, by_key[nairobi.pk].on_time) == _independent(
        county=nairobi
    )
    turkana = cast.turkana_office.county
    assert (by_key[turkana.pk].received, by_key[turkana.pk].on_time) == (1, 1)
    assert by_key[nairobi.pk].area_key == nairobi.key

    rows = completeness(cast.nairobi_coordinator, period=JULY, area=nairobi, group_by="sub_county")
    for row in rows:
        sub = Area.objects.get(pk=row.key)
        assert (row.expected, row.received, row.on_time) == _independent(sub_county=sub)
    westlands = {r.key: r for r in rows}[cast.westlands_office.sub_county_id]
    # Westlands office (on time) and the NGO (draft: not received) are expected.
    assert (westlands.received, westlands.on_time) == (1, 1)
    assert westlands.expected == _independent(sub_county=cast.westlands_office.sub_county)[0] >= 2


def test_a_quarter_counts_every_month(cast: Any, nairobi_returns: dict[str, Any]) -> None:
    quarter = Period.parse("2026/27-Q1")
    [total] = completeness(cast.national_me, period=quarter)
    e, r, t = _independent()
    assert total.expected == 3 * e and total.received == r and total.on_time == t


def test_a_county_coordinator_sees_only_their_county(cast: Any, nairobi_returns: dict[str, Any]) -> None:
    rows = completeness(cast.nairobi_coordinator, period=JULY, group_by="county")
    assert [row.key for row in rows] == [cast.nairobi_office.county_id]
    [total] = completeness(cast.nairobi_coordinator, period=JULY)
    assert total.expected == _independent(county=cast.nairobi_office.county)[0]


def test_without_a_reporting_permission_nothing_is_shown(cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        completeness(cast.admin, period=JULY)


def test_empty_area_has_no_percentages(cast: Any) -> None:
    OrgUnit.objects.filter(sub_county=cast.turkana_central_office.sub_county).update(is_active=False)
    [row] = completeness(cast.national_me, period=JULY, area=cast.turkana_central_office.sub_county)
    assert row.expected == 0 and row.completeness_pct is None and row.timeliness_pct is None

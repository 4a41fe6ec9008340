"""Population, capacity, children_in_care and the institution return equal an independent count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cpims.care import queries
from cpims.care.actions import CapacityInput, institution_save, placement_status_change, placement_transfer
from cpims.care.models import Placement
from cpims.care.tests.conftest import admit, code, days, make_child, manager_of
from cpims.core import ages
from cpims.core.periods import Period
from cpims.registry.models import Person

pytestmark = pytest.mark.django_db

# (first name, sex, age, reason, admitted days ago, what happens next)
PEOPLE = [
    ("Aisha", "female", 4, "RACP", 40, None),
    ("Bahati", "male", 9, "RACP", 35, None),
    ("Chege", "male", 13, "RAOF", 20, "escaped"),
    ("Dalia", "female", 16, "RACP", 10, "on_leave"),
    ("Eli", "intersex", 7, "RACP", 5, None),
    ("Faraji", "male", 12, "RAOF", 60, "discharged"),
    ("Gathoni", "female", 2, "RACP", 50, "transferred"),
]


@pytest.fixture
def populated(cast: Any, cci: Any, rescue: Any) -> Any:
    officer = cast.nairobi_officer
    for first, sex, age, reason, ago, then in PEOPLE:
        child = make_child(officer, cast.westlands_office, first=first)
        Person.objects.filter(pk=child.pk).update(sex=sex, date_of_birth=days(-ago).replace(year=days(-ago).year - age))
        child.refresh_from_db()
        p = admit(officer, child, cci, admitted_on=days(-ago), admission_reason=code("admission_reason_id", reason))
        if then == "transferred":
            placement_transfer(actor=officer, placement=p, to_institution=rescue, on=days(-3))
        elif then == "discharged":
            placement_status_change(
                actor=officer,
                placement=p,
                status="discharged",
                on=days(-2),
                discharge_type=code("discharge_type_id", "TDEX"),
            )
        elif then:
            placement_status_change(actor=officer, placement=p, status=then, on=days(-1))
    institution_save(
        actor=officer,
        org_unit=cci,
        expected_version=None,
        registration_status="registered",
        registration_number="REG-1",
        capacity=[
            CapacityInput("female", "any", 2),
            CapacityInput("male", "any", 3),
            CapacityInput("intersex", "any", 1),
        ],
    )
    return cci


def independent(cci: Any, on: dt.date) -> dict[str, Any]:
    """Count the roll by reading every placement one by one (no aggregation in the database)."""
    out: dict[str, Any] = {"total": 0, "sex": {}, "band": {}, "reason": {}}
    for p in Placement.objects.filter(institution=cci).select_related("child", "admission_reason"):
        if p.admitted_on <= on and (p.ended_on is None or p.ended_on > on):
            out["total"] += 1
            out["sex"][p.child.sex] = out["sex"].get(p.child.sex, 0) + 1
            band = ages.band_of(ages.DCS, ages.age_on(p.child.date_of_birth, on))
            out["band"][band] = out["band"].get(band, 0) + 1
            code_ = p.admission_reason.code
            out["reason"][code_] = out["reason"].get(code_, 0) + 1
    return out


@pytest.mark.parametrize("offset", [0, -4, -30, -45])
def test_population_equals_an_independent_count(cast: Any, populated: Any, offset: int) -> None:
    on = days(offset)
    pop = queries.population(cast.nairobi_officer, populated, on=on)
    expected = independent(populated, on)
    assert pop.total == expected["total"]
    assert pop.by_sex == expected["sex"]
    assert pop.by_band == expected["band"]
    assert pop.by_reason == expected["reason"]
    assert sum(pop.by_sex_band.values()) == pop.total == pop.resident + pop.on_leave + pop.escaped


def test_population_today_by_status_capacity_and_vacancies(cast: Any, populated: Any) -> None:
    pop = queries.population(cast.nairobi_officer, populated)
    # Aisha, Bahati, Chege (escaped), Dalia (on leave), Eli: 5 on the roll.
    assert (pop.total, pop.resident, pop.on_leave, pop.escaped) == (5, 3, 1, 1)
    assert pop.capacity == 6 and pop.vacancies == 1
    rows = {r.sex: (r.places, r.occupied, r.vacancies) for r in pop.capacity_rows}
    assert rows == {"female": (2, 2, 0), "male": (3, 2, 1), "intersex": (1, 1, 0)}
    assert not pop.over_capacity
    # Admissions this month and exits this month, counted independently.
    month = Period.containing("month", days(0))
    # (Gathoni's transfer opens a placement in the rescue centre, not here.)
    admitted = sum(1 for *_x, ago, _t in PEOPLE if month.start <= days(-ago))
    assert pop.admissions_month == admitted
    exits = sum(1 for *_x, then in PEOPLE if then in ("transferred", "discharged") and month.start <= days(-3))
    assert pop.discharges_month == exits


def test_over_capacity_by_row_and_total(cast: Any, populated: Any) -> None:
    institution_save(
        actor=cast.nairobi_officer,
        org_unit=populated,
        expected_version=None,
        registration_status="registered",
        registration_number="REG-1",
        capacity=[CapacityInput("any", "any", 4)],
    )
    pop = queries.population(cast.nairobi_officer, populated)
    assert pop.over_capacity and pop.vacancies == 0
    assert [u.pk for u in queries.over_capacity(cast.nairobi_officer)] == [populated.pk]


def test_children_in_care_counts_active_placements_in_scope(cast: Any, populated: Any, tcci: Any) -> None:
    tchild = make_child(cast.turkana_officer, cast.turkana_central_office, first="Ekai")
    admit(cast.turkana_officer, tchild, tcci)
    # Roll of both Westlands institutions: 5 in the CCI + Gathoni in the rescue centre.
    assert queries.children_in_care(cast.nairobi_officer) == 6
    assert queries.children_in_care(cast.national_me) == 7
    assert queries.children_in_care(cast.stakeholder) == 7  # aggregate figure only
    assert queries.children_in_care(cast.turkana_officer) == 1
    assert queries.children_in_care(cast.national_me, area=cast.turkana_office.county) == 1
    assert queries.children_in_care(cast.national_me, area=cast.westlands_office.sub_county) == 6
    assert queries.children_in_care(cast.national_me, on=days(-45)) == 2  # Faraji and Gathoni
    assert queries.children_in_care(cast.partner) == 0


def test_population_outside_scope_is_404(cast: Any, populated: Any) -> None:
    with pytest.raises(Http404):
        queries.population(cast.turkana_officer, populated)
    assert queries.population(cast.stakeholder, populated).total == 5  # aggregate


def test_return_figures_balance(cast: Any, populated: Any) -> None:
    period = Period.containing("month", days(0))
    f = queries.institution_return_figures(populated, period)
    assert f["population_start"] + f["admissions"] - f["exits"] == f["population_end"]
    assert f["population_end"] == independent(populated, period.end)["total"]
    assert f["population_start"] == independent(populated, period.start - dt.timedelta(days=1))["total"]
    assert f["capacity"] == 6
    assert sum(f[f"population_end_{s}"] for s in ("male", "female", "intersex")) == f["population_end"]
    assert sum(f[f"population_end_age_{b}"] for b in ages.band_keys(ages.DCS)) == f["population_end"]
    prev = queries.institution_return_figures(populated, period.previous())
    assert prev["population_end"] == f["population_start"]


def test_institution_return_is_registered() -> None:
    from cpims.returns.registry import get_kind

    kind = get_kind("institution")
    assert kind.due_day == 2 and "cci" in kind.org_unit_kinds and "si_rescue" in kind.org_unit_kinds


def test_population_query_count_is_constant(cast: Any, populated: Any, django_assert_max_num_queries: Any) -> None:
    with CaptureQueriesContext(connection) as few:
        queries.population(cast.nairobi_officer, populated)
    for i in range(5):
        child = make_child(cast.nairobi_officer, cast.westlands_office, first=f"Extra{i}")
        admit(cast.nairobi_officer, child, populated, admitted_on=days(-1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        queries.population(cast.nairobi_officer, populated)


def test_manager_sees_own_population(cast: Any, populated: Any) -> None:
    manager = manager_of(populated)
    assert queries.population(manager, populated).total == 5
    assert queries.children_in_care(manager) == 5

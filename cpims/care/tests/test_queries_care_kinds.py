"""Children in institutional care and children in family-based care are counted apart: each equals
an independent count of the placements, told by their DCS care type."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.care import queries
from cpims.care.models import INSTITUTION_CARE_TYPES, Placement
from cpims.care.tests.conftest import admit, code, days, make_child
from cpims.core.periods import Period

pytestmark = pytest.mark.django_db


def _independent(area_field: str | None = None, area: Any = None) -> tuple[int, int]:
    """(institutional, family) counted in Python from every placement open today."""
    today = days(0)
    institutional = family = 0
    for p in Placement.objects.select_related("care_type"):
        if p.admitted_on > today or (p.ended_on is not None and p.ended_on <= today):
            continue
        if area_field and getattr(p, f"{area_field}_id") != area.pk:
            continue
        if p.care_type.code in INSTITUTION_CARE_TYPES:
            institutional += 1
        else:
            family += 1
    return institutional, family


def test_foster_care_does_not_raise_children_in_institutional_care(cast: Any, cci: Any) -> None:
    officer = cast.nairobi_officer
    admit(officer, make_child(officer, cast.westlands_office, first="Baraka"), cci)
    before = queries.children_in_care(cast.national_me)
    assert (before, queries.children_in_family_care(cast.national_me)) == _independent() == (1, 0)

    foster = make_child(officer, cast.westlands_office, first="Neema")
    admit(
        officer,
        foster,
        care_type=code("alternative_family_care_type_id", "AFFC"),
        caregiver_name="A foster family",
        admission_type=code("admission_type_id", "TANA"),
    )
    kin = make_child(officer, cast.westlands_office, first="Zawadi")
    admit(officer, kin, care_type=code("alternative_family_care_type_id", "AFKS"), caregiver_name="An aunt")

    assert queries.children_in_care(cast.national_me) == before == 1
    assert queries.children_in_family_care(cast.national_me) == 2
    assert queries.care_counts(cast.national_me) == _independent() == (1, 2)
    county = cast.westlands_office.county
    assert queries.care_counts(cast.national_me, area=county) == _independent("county", county)
    # Out of scope: another county's officer counts neither.
    assert queries.care_counts(cast.turkana_officer) == (0, 0)


def test_institution_return_counts_institutional_placements_only(cast: Any, cci: Any) -> None:
    officer = cast.nairobi_officer
    admit(officer, make_child(officer, cast.westlands_office, first="Baraka"), cci, admitted_on=days(-3))
    admit(
        officer,
        make_child(officer, cast.westlands_office, first="Neema"),
        care_type=code("alternative_family_care_type_id", "AFFC"),
        caregiver_name="A foster family",
        admitted_on=days(-3),
    )
    month = Period.containing("month", days(0))
    figures = queries.institution_return_figures(cci, month)
    expected = Placement.objects.filter(institution=cci, ended_on__isnull=True).count()
    assert figures["population_end"] == expected == 1

"""The CTiP reference data: code lists with Kiswahili labels and the partner agencies, loaded once."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.core.models import Code, CodeList
from cpims.ctip.reference import PARTNERS, load_ctip_reference
from cpims.geo.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_every_ctip_code_has_a_kiswahili_label(reference: Any) -> None:
    ctip = Code.objects.filter(code_list__name__startswith="ctip_")
    assert ctip.count() == 161
    assert not ctip.filter(label_sw="").exists()
    assert Code.objects.get(code_list__name="ctip_purpose_id", code="TPLB").label_sw == "Kazi ya kulazimishwa"


def test_loading_again_changes_nothing(reference: Any) -> None:
    versions = dict(CodeList.objects.values_list("name", "version"))
    units = OrgUnit.objects.count()
    assert load_ctip_reference() == {"lists": 23, "created": 0, "updated": 0, "agencies": 0}
    assert dict(CodeList.objects.values_list("name", "version")) == versions
    assert OrgUnit.objects.count() == units
    assert OrgUnit.objects.filter(code__in=[c for c, _n in PARTNERS]).count() == len(PARTNERS)

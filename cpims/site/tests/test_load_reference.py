"""manage.py load_reference: loads everything once, and a second run changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from cpims.core.models import Code, CodeList
from cpims.geo.models import Area, OrgUnit

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, Any]:
    return {
        "areas": list(Area.objects.order_by("pk").values_list("pk", "level", "code", "name", "parent_id", "county_id")),
        "lists": list(CodeList.objects.order_by("pk").values_list("pk", "name", "title", "version")),
        "codes": list(Code.objects.order_by("pk").values_list("pk", "code", "label", "order", "sub_list_id")),
        "units": list(
            OrgUnit.objects.order_by("pk").values_list("pk", "code", "name", "parent_id", "area_id", "updated_at")
        ),
        "unit_history": OrgUnit.history.count(),
    }


def test_rerunning_load_reference_changes_nothing(reference: None) -> None:
    before = _snapshot()
    call_command("load_reference", verbosity=0)
    assert _snapshot() == before


def test_load_reference_reports_what_is_loaded(reference: None, capsys: Any) -> None:
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "counties: 47" in out
    assert "sub-counties: 290" in out
    assert "wards: 1450" in out
    assert "codes: 1643" in out  # the DCS lists and the CTiP lists
    assert "DCS offices: 338" in out

"""The data value set against DHIS2's documented formats (JSON dataValueSets and ADX), from the facts."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter as Tally
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from cpims.core.periods import Period
from cpims.integrations.dhis2 import datavalues
from cpims.integrations.dhis2.uids import is_uid

pytestmark = pytest.mark.django_db

ADX = "{urn:ihe:qrph:adx:2015}"
Q1 = Period.parse("2026/27-Q1")


def stub_counter(facts: list[dict[str, Any]]) -> Any:
    """fact_counts over an in-memory list of facts: used to pin the payload shape to known figures."""

    def counter(user: Any, *, period: Period, group_by: list[str], cases_only: bool = False, **_: Any) -> dict:
        rows = [f for f in facts if (f.get("primary", True) or not cases_only)]
        return dict(Tally(tuple(f.get(g) for g in group_by) for f in rows))

    return counter


def _server(**extra: Any) -> Any:
    from cpims.integrations.dhis2.models import Dhis2Server

    return Dhis2Server(name="x", base_url="http://127.0.0.1:1", data_set_uid="RpncJXXaYXv", **extra)


def _setup(cast: Any) -> tuple[Any, list[datavalues.Target], dict[str, Any]]:
    from cpims.core.models import Code
    from cpims.integrations.dhis2 import queries

    server = _server()
    nairobi, turkana = cast.nairobi_office.county, cast.turkana_office.county
    targets = queries.targets_for(server, [nairobi, turkana])
    neglect = Code.objects.get(code_list__name="case_category_id", code="CSIC")
    abuse = Code.objects.get(code_list__name="case_category_id", code="CSNG")
    reunited = Code.objects.get(code_list__name="intervention_id", code="REUN")
    facts = [
        # case 1 in Nairobi: girl 9, two categories (one closed with an intervention)
        {
            "county": nairobi.pk,
            "category": neglect.pk,
            "intervention": reunited.pk,
            "sex": "female",
            "dcs_band": "6-10",
        },
        {
            "county": nairobi.pk,
            "category": abuse.pk,
            "intervention": None,
            "sex": "female",
            "dcs_band": "6-10",
            "primary": False,
        },
        # case 2 in Nairobi: boy 3
        {"county": nairobi.pk, "category": neglect.pk, "intervention": None, "sex": "male", "dcs_band": "0-5"},
        # case 3 in Turkana: boy aged 17
        {"county": turkana.pk, "category": abuse.pk, "intervention": None, "sex": "male", "dcs_band": "16-18"},
    ]
    return server, targets, {"facts": facts, "neglect": neglect, "abuse": abuse, "reunited": reunited}


def _uids() -> dict[str, str]:
    from cpims.integrations.dhis2.models import CategoryOptionComboMapping, DataElementMapping

    out = {f"coc:{c.sex}:{c.band}": c.uid for c in CategoryOptionComboMapping.objects.all()}
    for d in DataElementMapping.objects.select_related("code"):
        out[f"de:{d.indicator}:{d.code.code if d.code else ''}"] = d.uid
    return out


def test_json_data_value_set_has_the_documented_shape_and_figures(cast: Any) -> None:
    server, targets, f = _setup(cast)
    dvs = datavalues.build(
        cast.national_me, period=Q1, targets=targets, server=server, counter=stub_counter(f["facts"])
    )
    payload = dvs.to_json()
    # Two org units: no outer org unit, so no completeDate (DHIS2 completes one org unit's set).
    assert list(payload) == ["dataSet", "period", "dataValues"]
    assert payload["dataSet"] == "RpncJXXaYXv" and payload["period"] == "2026Q3"
    for value in payload["dataValues"]:
        assert set(value) == {
            "dataElement",
            "period",
            "orgUnit",
            "categoryOptionCombo",
            "attributeOptionCombo",
            "value",
        }
        assert value["period"] == "2026Q3"  # Kenya FY Q1 (July-September) is DHIS2's calendar Q3
        assert value["attributeOptionCombo"] == "HllvX50cXC0"
        assert isinstance(value["value"], str) and value["value"] != "0"
        for key in ("dataElement", "orgUnit", "categoryOptionCombo"):
            assert is_uid(value[key])
    u = _uids()
    nairobi_uid, turkana_uid = targets[0].uid, targets[1].uid
    got = {(v["dataElement"], v["categoryOptionCombo"], v["orgUnit"]): v["value"] for v in payload["dataValues"]}
    assert got == {
        # all cases (primary rows only)
        (u["de:cases:"], u["coc:female:6-10"], nairobi_uid): "1",
        (u["de:cases:"], u["coc:male:0-5"], nairobi_uid): "1",
        (u["de:cases:"], u["coc:male:16-18"], turkana_uid): "1",
        # by category (every category row)
        (u["de:category:CSIC"], u["coc:female:6-10"], nairobi_uid): "1",
        (u["de:category:CSNG"], u["coc:female:6-10"], nairobi_uid): "1",
        (u["de:category:CSIC"], u["coc:male:0-5"], nairobi_uid): "1",
        (u["de:category:CSNG"], u["coc:male:16-18"], turkana_uid): "1",
        # by intervention (only categories closed with one)
        (u["de:intervention:REUN"], u["coc:female:6-10"], nairobi_uid): "1",
    }
    assert dvs.total == 3
    assert dvs.totals_by_org_unit() == {nairobi_uid: 2, turkana_uid: 1}
    assert dvs.unmapped == {}
    assert json.loads(dvs.json_bytes()) == payload


def test_one_org_unit_set_names_it_and_is_marked_complete(cast: Any) -> None:
    server, targets, f = _setup(cast)
    dvs = datavalues.build(
        cast.national_me, period=Q1, targets=targets[:1], server=server, counter=stub_counter(f["facts"])
    )
    payload = dvs.to_json()
    assert list(payload) == ["dataSet", "period", "orgUnit", "completeDate", "dataValues"]
    assert payload["orgUnit"] == targets[0].uid
    assert dt.date.fromisoformat(payload["completeDate"]) == dvs.complete_date
    assert {v["orgUnit"] for v in payload["dataValues"]} == {targets[0].uid}
    assert len(payload["dataValues"]) == 6
    server.data_set_uid = ""
    assert list(dvs.to_json()) == ["dataSet", "period", "orgUnit", "completeDate", "dataValues"]  # built before
    rebuilt = datavalues.build(
        cast.national_me, period=Q1, targets=targets[:1], server=server, counter=stub_counter(f["facts"])
    )
    assert list(rebuilt.to_json()) == ["period", "orgUnit", "dataValues"]


def test_zero_values_are_omitted_unless_the_server_sends_zeros(cast: Any) -> None:
    from cpims.integrations.dhis2.models import CategoryOptionComboMapping, DataElementMapping

    server, targets, f = _setup(cast)
    counter = stub_counter(f["facts"])
    sparse = datavalues.build(cast.national_me, period=Q1, targets=targets, server=server, counter=counter)
    assert all(v.value > 0 for v in sparse.values)
    server.send_zeros = True
    dense = datavalues.build(cast.national_me, period=Q1, targets=targets, server=server, counter=counter)
    expected = DataElementMapping.objects.count() * CategoryOptionComboMapping.objects.count() * len(targets)
    assert len(dense.values) == expected
    assert sum(v.value for v in dense.values) == sum(v.value for v in sparse.values)
    assert {"0"} <= {v["value"] for v in dense.to_json()["dataValues"]}


def test_figures_without_a_mapping_are_counted_not_sent(cast: Any) -> None:
    from cpims.integrations.dhis2.models import CategoryOptionComboMapping, DataElementMapping

    server, targets, f = _setup(cast)
    CategoryOptionComboMapping.objects.filter(sex="male", band="0-5").delete()
    DataElementMapping.objects.filter(code=f["abuse"]).delete()
    dvs = datavalues.build(
        cast.national_me, period=Q1, targets=targets, server=server, counter=stub_counter(f["facts"])
    )
    # The boy aged 3 (cases + neglect) has no combo; the two abuse categories have no data element.
    assert dvs.unmapped == {"category_option_combo": 2, "category_data_element": 2}
    assert dvs.total == 2


def test_adx_message_follows_the_adx_profile(cast: Any) -> None:
    server, targets, f = _setup(cast)
    dvs = datavalues.build(
        cast.national_me, period=Q1, targets=targets, server=server, counter=stub_counter(f["facts"])
    )
    xml = dvs.to_adx(exported=dt.datetime(2026, 10, 3, 9, 30, tzinfo=dt.UTC))
    assert xml.startswith(b"<?xml")
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    assert root.tag == f"{ADX}adx"
    assert root.attrib == {"exported": "2026-10-03T09:30:00+00:00"}
    groups = root.findall(f"{ADX}group")
    assert [g.attrib["orgUnit"] for g in groups] == [t.uid for t in targets]
    for group in groups:
        assert set(group.attrib) == {"orgUnit", "period", "dataSet", "completeDate", "attributeOptionCombo"}
        assert group.attrib["period"] == "2026-07-01/P3M"
        assert group.attrib["dataSet"] == "RpncJXXaYXv"
        assert all(child.tag == f"{ADX}dataValue" for child in group)
        for value in group:
            assert set(value.attrib) == {"dataElement", "categoryOptionCombo", "value"}
            assert int(value.attrib["value"]) > 0
    count = sum(len(g) for g in groups)
    assert count == len(dvs.to_json()["dataValues"]) == 8


@pytest.mark.parametrize(
    ("code", "adx_period", "dhis2"),
    [
        ("2026-08", "2026-08-01/P1M", "202608"),
        ("2026/27-H2", "2027-01-01/P6M", "2027S1"),
        ("2026/27", "2026-07-01/P1Y", "2026July"),
    ],
)
def test_adx_and_dhis2_periods(cast: Any, code: str, adx_period: str, dhis2: str) -> None:
    server, targets, f = _setup(cast)
    dvs = datavalues.build(
        cast.national_me, period=Period.parse(code), targets=targets, server=server, counter=stub_counter(f["facts"])
    )
    assert dvs.adx_period == adx_period
    assert {v["period"] for v in dvs.to_json()["dataValues"]} == {dhis2}


def test_org_units_by_code_when_the_server_says_so(cast: Any) -> None:
    server, targets, f = _setup(cast)
    server.org_unit_id_scheme = "code"
    dvs = datavalues.build(
        cast.national_me, period=Q1, targets=targets, server=server, counter=stub_counter(f["facts"])
    )
    assert {v["orgUnit"] for v in dvs.to_json()["dataValues"]} == {"KE_C047", "KE_C023"}
    assert [g.attrib["orgUnit"] for g in ET.fromstring(dvs.to_adx())]  # noqa: S314 == ["KE_C047", "KE_C023"]


def test_no_attribute_option_combo_key_when_none_is_configured(cast: Any) -> None:
    server, targets, f = _setup(cast)
    server.attribute_option_combo_uid = ""
    server.data_set_uid = ""
    payload = datavalues.build(
        cast.national_me, period=Q1, targets=targets, server=server, counter=stub_counter(f["facts"])
    ).to_json()
    assert list(payload) == ["period", "dataValues"]
    assert all("attributeOptionCombo" not in v for v in payload["dataValues"])


def test_built_from_the_real_facts_equals_an_independent_count(
    cast: Any, nairobi_cases: list[Any], period: Any
) -> None:
    """Cases opened through the case actions; the figures come from cpims.reporting.fact_counts."""
    from cpims.cases.models import CaseCategory
    from cpims.integrations.dhis2 import queries

    server = _server()
    targets = queries.targets_for(server, None)
    assert len(targets) == 47
    dvs = datavalues.build(cast.national_me, period=period, targets=targets, server=server)
    u = _uids()
    by_ou = {t.key: t.uid for t in targets}
    nairobi, turkana = by_ou["county-047"], by_ou["county-023"]
    got = {(v.data_element, v.category_option_combo, v.org_unit): v.value for v in dvs.values}
    # Independent count: categories per county from the case records themselves.
    expected: dict[tuple[str, str, str], int] = {}
    for case in nairobi_cases:
        ou = nairobi if case.office.county.code == "047" else turkana
        key = (u["de:cases:"], u["coc:female:6-10"], ou)
        expected[key] = expected.get(key, 0) + 1
        for cat in CaseCategory.objects.filter(case=case).select_related("category"):
            key = (u[f"de:category:{cat.category.code}"], u["coc:female:6-10"], ou)
            expected[key] = expected.get(key, 0) + 1
    assert got == expected
    assert dvs.total == 3

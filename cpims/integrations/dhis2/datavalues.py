"""Data value sets for DHIS2, built from the caseload facts (``cpims.reporting.queries.fact_counts``).

One value per (data element, category option combo, org unit) for the period:

* data elements: all cases reported (``cases_only``), cases by DCS case category and cases by
  intervention (a case with two categories counts once under each, as in the DCS caseload return);
* category option combos: the child's sex x DCS age band on the day the case was reported;
* org units: the mapped counties, sub-counties or offices.

Two formats, as documented by DHIS2 (Web API, "Data values" and "ADX data format"):

* JSON ``dataValueSets``: ``{"dataSet", "period", ["orgUnit", "completeDate",] "dataValues":
  [{"dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value"}]}``
  with ``value`` a string; period and org unit on every value, so one set carries many org units;
  the outer ``orgUnit`` and ``completeDate`` (which marks the data set complete in DHIS2) only when
  the set is for a single org unit and, for ``completeDate``, names a data set;
* ADX (``urn:ihe:qrph:adx:2015``): ``<adx exported=…>`` with one ``<group orgUnit period dataSet
  completeDate>`` per org unit, period as ISO 8601 start/duration (``2026-07-01/P3M``), and
  ``<dataValue dataElement categoryOptionCombo value>`` (DHIS2 uses the categoryOptionCombo
  attribute in preference to exploded category attributes).

Zeros are omitted unless the server says ``send_zeros``: DHIS2 does not store zeros for data
elements whose zero is not significant, and omitting them keeps payloads small. Figures without a
mapping (e.g. a sex x band cell with no combo, or a code without a data element) are not sent;
they are counted in ``unmapped`` so the preview shows what would be lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone

from cpims.accounts.models import User
from cpims.core.periods import Period

ADX_NS = "urn:ihe:qrph:adx:2015"
ADX_CONTENT_TYPE = "application/adx+xml"
_DURATIONS = {"month": "P1M", "quarter": "P3M", "half": "P6M", "fy": "P1Y", "year": "P1Y"}

# fact_counts(user, *, period, group_by, area=None, org_unit=None, filters=None, cases_only=False, perm=…)
Counter = Callable[..., dict[tuple, int]]


@dataclass(frozen=True)
class Target:
    """A DHIS2 org unit we report for: our area or office, and its DHIS2 identifier."""

    dimension: str  # "county" | "sub_county" | "office": the fact_counts dimension
    our_id: int  # Area or OrgUnit database id (the key fact_counts returns)
    key: str  # public key: "county-047", "sub_county-274", or the org unit's code
    label: str
    uid: str
    code: str

    def identifier(self, scheme: str) -> str:
        return self.code if scheme == "code" and self.code else self.uid


@dataclass(frozen=True)
class DataValue:
    data_element: str
    category_option_combo: str
    org_unit: str
    value: int
    data_element_name: str = ""
    is_total: bool = False  # the "all cases reported" data element


@dataclass
class DataValueSet:
    period: Period
    data_set: str
    attribute_option_combo: str
    complete_date: dt.date
    org_unit_id_scheme: str
    targets: list[Target]
    values: list[DataValue] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)  # reason -> figures not sent

    # --- figures for people ------------------------------------------------------------
    @property
    def total(self) -> int:
        """Cases reported in the set (the "all cases" data element)."""
        return sum(v.value for v in self.values if v.is_total)

    def totals_by_org_unit(self) -> dict[str, int]:
        """Cases reported per DHIS2 org unit identifier."""
        out: dict[str, int] = defaultdict(int)
        for v in self.values:
            if v.is_total:
                out[v.org_unit] += v.value
        return dict(out)

    # --- formats -----------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {}
        if self.data_set:
            payload["dataSet"] = self.data_set
        payload["period"] = self.period.dhis2
        if len(self.targets) == 1:
            # DHIS2 registers a data set as complete for the set's outer org unit and period, so
            # completeDate goes only with one org unit (and a data set); a multi-unit set carries
            # the org unit on each value, as DHIS2 documents for bulk imports.
            payload["orgUnit"] = self.targets[0].identifier(self.org_unit_id_scheme)
            if self.data_set:
                payload["completeDate"] = self.complete_date.isoformat()
        payload["dataValues"] = [
            {
                "dataElement": v.data_element,
                "period": self.period.dhis2,
                "orgUnit": v.org_unit,
                "categoryOptionCombo": v.category_option_combo,
                **({"attributeOptionCombo": self.attribute_option_combo} if self.attribute_option_combo else {}),
                "value": str(v.value),
            }
            for v in self.values
        ]
        return payload

    def json_bytes(self) -> bytes:
        return json.dumps(self.to_json(), separators=(",", ":"), sort_keys=False).encode()

    def sha256(self) -> str:
        return hashlib.sha256(self.json_bytes()).hexdigest()

    @property
    def adx_period(self) -> str:
        return f"{self.period.start.isoformat()}/{_DURATIONS[self.period.kind]}"

    def to_adx(self, exported: dt.datetime | None = None) -> bytes:
        exported = exported or timezone.now()
        ET.register_namespace("", ADX_NS)
        root = ET.Element(f"{{{ADX_NS}}}adx", {"exported": exported.replace(microsecond=0).isoformat()})
        by_org_unit: dict[str, list[DataValue]] = defaultdict(list)
        for v in self.values:
            by_org_unit[v.org_unit].append(v)
        for target in self.targets:
            ou = target.identifier(self.org_unit_id_scheme)
            group_attrs = {
                "orgUnit": ou,
                "period": self.adx_period,
                "dataSet": self.data_set,
                "completeDate": self.complete_date.isoformat(),
            }
            if self.attribute_option_combo:
                group_attrs["attributeOptionCombo"] = self.attribute_option_combo
            group = ET.SubElement(root, f"{{{ADX_NS}}}group", group_attrs)
            for v in by_org_unit.get(ou, []):
                ET.SubElement(
                    group,
                    f"{{{ADX_NS}}}dataValue",
                    {
                        "dataElement": v.data_element,
                        "categoryOptionCombo": v.category_option_combo,
                        "value": str(v.value),
                    },
                )
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _default_counter() -> Counter:
    from cpims.reporting.queries import fact_counts

    return fact_counts


@dataclass
class _Mapping:
    """The active data element and category option combo mappings (3 queries)."""

    des: list[Any]
    total_de: Any | None
    by_code: dict[str, dict[int, Any]]
    cocs: dict[tuple[str, str], str]


def _read_mapping() -> _Mapping:
    from cpims.integrations.dhis2.models import CategoryOptionComboMapping, DataElementMapping

    des = list(DataElementMapping.objects.filter(is_active=True).select_related("code"))
    total_de = next((d for d in des if d.indicator == DataElementMapping.Indicator.CASES), None)
    by_code: dict[str, dict[int, Any]] = defaultdict(dict)
    for d in des:
        if d.code_id is not None:
            by_code[d.indicator][d.code_id] = d
    cocs = {(c.sex, c.band): c.uid for c in CategoryOptionComboMapping.objects.all()}
    return _Mapping(des=des, total_de=total_de, by_code=by_code, cocs=cocs)


class _Cells:
    """Counts summed per (data element, category option combo, org unit); what has no combo is
    counted in ``unmapped`` instead."""

    def __init__(self, mapping: _Mapping, scheme: str) -> None:
        self.mapping = mapping
        self.scheme = scheme
        self.values: dict[tuple[str, str, str], int] = {}
        self.unmapped: dict[str, int] = defaultdict(int)

    def add(self, de: Any, sex: str, band: str, target: Target, value: int) -> None:
        coc = self.mapping.cocs.get((sex, band))
        if coc is None:
            self.unmapped["category_option_combo"] += value
            return
        key = (de.uid, coc, target.identifier(self.scheme))
        self.values[key] = self.values.get(key, 0) + value

    def add_zeros(self, targets: Sequence[Target]) -> None:
        """An explicit zero in every mapped cell not counted (the server's ``send_zeros``)."""
        m = self.mapping
        for de in ([m.total_de] if m.total_de else []) + [d for d in m.des if d.code_id is not None]:
            for coc in m.cocs.values():
                for t in targets:
                    self.values.setdefault((de.uid, coc, t.identifier(self.scheme)), 0)

    def data_values(self) -> list[DataValue]:
        names = {d.uid: d.name for d in self.mapping.des}
        total_uid = self.mapping.total_de.uid if self.mapping.total_de else None
        return [
            DataValue(
                data_element=de_uid,
                category_option_combo=coc,
                org_unit=ou,
                value=n,
                data_element_name=names.get(de_uid, ""),
                is_total=de_uid == total_uid,
            )
            for (de_uid, coc, ou), n in sorted(self.values.items())
        ]


def _count(user: User, *, period: Period, targets: Sequence[Target], counter: Counter, cells: _Cells) -> None:
    """Three ``counter`` calls per target dimension: all cases, by category, by intervention."""
    from cpims.accounts import permissions as P
    from cpims.integrations.dhis2.models import DataElementMapping

    mapping = cells.mapping
    dimensions: dict[str, dict[int, Target]] = defaultdict(dict)
    for t in targets:
        dimensions[t.dimension][t.our_id] = t
    for dimension, wanted in dimensions.items():
        common = {"period": period, "perm": P.REPORT_VIEW_AGGREGATE}
        if mapping.total_de is not None:
            counts = counter(user, group_by=[dimension, "sex", "dcs_band"], cases_only=True, **common)
            for (our_id, sex, band), n in counts.items():
                if our_id in wanted and n:
                    cells.add(mapping.total_de, sex, band, wanted[our_id], n)
        for indicator in (DataElementMapping.Indicator.CATEGORY, DataElementMapping.Indicator.INTERVENTION):
            counts = counter(user, group_by=[dimension, indicator, "sex", "dcs_band"], **common)
            for (our_id, code_id, sex, band), n in counts.items():
                if our_id not in wanted or not n or code_id is None:
                    continue  # intervention is empty until closure: nothing to report yet
                de = mapping.by_code[indicator].get(code_id)
                if de is None:
                    cells.unmapped[f"{indicator}_data_element"] += n
                    continue
                cells.add(de, sex, band, wanted[our_id], n)


def build(
    user: User,
    *,
    period: Period,
    targets: Sequence[Target],
    server: Any,
    counter: Counter | None = None,
) -> DataValueSet:
    """The data value set of ``period`` for ``targets``, counted within ``user``'s scope.

    Reads the mapping (3 queries) and calls ``fact_counts`` three times per target dimension.
    """
    cells = _Cells(_read_mapping(), server.org_unit_id_scheme)
    _count(user, period=period, targets=targets, counter=counter or _default_counter(), cells=cells)
    if server.send_zeros:
        cells.add_zeros(targets)
    result = DataValueSet(
        period=period,
        data_set=server.data_set_uid,
        attribute_option_combo=server.attribute_option_combo_uid,
        complete_date=timezone.localdate(),
        org_unit_id_scheme=server.org_unit_id_scheme,
        targets=list(targets),
    )
    result.values = cells.data_values()
    result.unmapped = dict(cells.unmapped)
    return result


def check(dvs: DataValueSet, *, placeholders: frozenset[str] = frozenset()) -> list[dict[str, str]]:
    """What DHIS2 would refuse or lose in ``dvs``, found without asking DHIS2 (the dry run).

    Each problem is ``{"object", "value"}``, the shape of a DHIS2 import conflict: figures with no
    mapping, identifiers that are not DHIS2 UIDs (or org unit codes), identifiers still the
    shipped placeholders (``placeholders``: not yet aligned with KHIS), and values that are not
    whole numbers of zero or more (DHIS2's INTEGER_ZERO_OR_POSITIVE).
    """
    from django.utils.translation import gettext as _

    from cpims.integrations.dhis2.uids import is_uid

    problems: dict[tuple[str, str], str] = {}

    def identifier(kind: str, value: str, *, code_ok: bool = False) -> None:
        if not (is_uid(value) or (code_ok and value)):
            problems[(kind, value)] = _("%(kind)s “%(id)s” is not a DHIS2 identifier.") % {"kind": kind, "id": value}
        elif value in placeholders:
            problems[(kind, value)] = _("%(kind)s “%(id)s” is a placeholder: map it to KHIS first.") % {
                "kind": kind,
                "id": value,
            }

    for reason, n in sorted(dvs.unmapped.items()):
        problems[("unmapped", reason)] = _("%(n)d figures have no mapping (%(reason)s).") % {"n": n, "reason": reason}
    if dvs.data_set and not is_uid(dvs.data_set):
        identifier(_("Data set"), dvs.data_set)
    code_ok = dvs.org_unit_id_scheme == "code"
    for t in dvs.targets:
        identifier(_("Org unit"), t.identifier(dvs.org_unit_id_scheme), code_ok=code_ok)
    for v in dvs.values:
        identifier(_("Data element"), v.data_element)
        identifier(_("Category option combo"), v.category_option_combo)
        if not isinstance(v.value, int) or isinstance(v.value, bool) or v.value < 0:
            key = ("value", f"{v.data_element}.{v.category_option_combo}.{v.org_unit}")
            problems[key] = _("The value %(value)s is not a whole number of zero or more.") % {"value": v.value}
    return [{"object": obj, "value": message} for (_kind, obj), message in problems.items()]

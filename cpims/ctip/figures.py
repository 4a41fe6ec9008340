"""CTiP figures: children identified as trafficked or smuggled in a period, by form of exploitation
and by nationality (rows), and by sex and DCS age band (columns).

A child counts once per track, in the period holding the date they were identified; the age is
the age in completed years on that date (``cpims.core.ages``), and the area is the case's county
or sub-county. Aggregate-only viewers (stakeholders) get the tables through the same small-cell
suppression as the caseload tables (``cpims.reporting.suppression``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import User
from cpims.core import ages
from cpims.core.codelists import codes
from cpims.core.periods import Period
from cpims.ctip.models import COUNTRY_LIST, PURPOSE_LIST, CtipTrack
from cpims.geo.models import Area
from cpims.reporting.queries import ALWAYS_SEXES, SEX_LABELS, SEXES, identified_allowed
from cpims.reporting.suppression import suppress
from cpims.reporting.tables import CaseloadTable, Col, Row

EXPLOITATION, NATIONALITY = "exploitation", "nationality"
DIMENSIONS = {
    EXPLOITATION: (gettext_lazy("Children identified, by form of exploitation"), "purpose_id", PURPOSE_LIST),
    NATIONALITY: (gettext_lazy("Children identified, by nationality"), "nationality_id", COUNTRY_LIST),
}
BANDS = ages.DCS
# The first column's heading in a report pack (a pack never heads a column "Row").
ROW_HEADERS = {EXPLOITATION: gettext_lazy("Form of exploitation"), NATIONALITY: gettext_lazy("Nationality")}


def _area_q(area: Area | None) -> Q:
    if area is None:
        return Q()
    if area.level == Area.Level.REGION:
        return Q(case__county__region=area)
    if area.level == Area.Level.COUNTY:
        return Q(case__county=area)
    return Q(case__sub_county=area)


def _tracks(qs: QuerySet[CtipTrack], period: Period, area: Area | None) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in qs.filter(_area_q(area), identified_on__gte=period.start, identified_on__lte=period.end).values(
            "purpose_id", "nationality_id", "identified_on", "case__child__sex", "case__child__date_of_birth"
        )
    ]


def _table(rows: list[dict[str, Any]], dimension: str, period: Period) -> CaseloadTable:
    title, column, list_name = DIMENSIONS[dimension]
    counts: Counter[tuple[Any, str, str]] = Counter()
    for r in rows:
        sex = r["case__child__sex"] if r["case__child__sex"] in SEXES else "unknown"
        band = ages.band_of(BANDS, ages.age_on(r["case__child__date_of_birth"], r["identified_on"]))
        counts[(r[column], sex, band)] += 1
    present = {sex for (_k, sex, _b) in counts}
    columns = [
        Col(
            sex=s,
            band=b,
            label=f"{SEX_LABELS[s]} {ages.band_label(b)}",
            sex_label=str(SEX_LABELS[s]),
            band_label=ages.band_label(b),
        )
        for s in SEXES
        if s in ALWAYS_SEXES or s in present
        for b in ages.band_keys(BANDS)
    ]
    # Every code of the list is a row (zeros included), so the rows do not reveal anything.
    labels = {
        c.pk: c.display_label
        for c in codes(list_name, active_only=False)
        if c.is_active or c.pk in {k for k, _s, _b in counts}
    }
    table_rows = [Row(key=pk, label=label) for pk, label in labels.items()]
    row_totals: Counter[Any] = Counter()
    col_totals: Counter[tuple[str, str]] = Counter()
    for (key, sex, band), n in counts.items():
        row_totals[key] += n
        col_totals[(sex, band)] += n
    return CaseloadTable(
        period=period,
        rows=table_rows,
        columns=columns,
        counts=dict(counts),
        row_totals={row.key: row_totals[row.key] for row in table_rows},
        col_totals={col.key: col_totals[col.key] for col in columns},
        grand_total=sum(counts.values()),
        dimension=dimension,
        bands=BANDS,
        title=str(title),
    )


def ctip_tables(user: User, *, period: Period, area: Area | None) -> list[CaseloadTable]:
    """The CTiP tables ``user`` may see for ``area`` (None: everything in their reach) and
    ``period``; suppressed for aggregate-only viewers. The caller checks the area is in reach."""
    qs = scope.restrict(user, CtipTrack.objects.all(), P.REPORT_VIEW_AGGREGATE)
    rows = _tracks(qs, period, area)
    tables = [_table(rows, dimension, period) for dimension in DIMENSIONS]
    if not identified_allowed(user):
        tables = [suppress(t) for t in tables]
    return tables


@dataclass
class PackTable:
    """A table as the report packs hold it (``cpims.reporting.dashboards.packs.Table``)."""

    title: str
    header: list[str]
    rows: list[list[Any]]  # cells: str or int; None where suppression hides the figure
    note: str = ""
    total_row: bool = True
    sheet: str = ""
    groups: list[tuple[str, int]] = field(default_factory=list)  # sexes over their age bands
    short_header: list[str] = field(default_factory=list)
    empty: str = ""


def as_pack_table(table: CaseloadTable, first_header: str) -> PackTable:
    header = [first_header] + [str(c.label) for c in table.columns] + [_("Total")]
    labels = [str(r.label) for r in table.rows] + [_("Total")]
    matrix = table.as_matrix()
    # Only the rows that occurred (a pack lists no row of zeros), then the total.
    rows = [[label, *cells] for label, cells in zip(labels, matrix, strict=True) if cells[-1] != 0]
    if not rows or rows[-1][0] != _("Total"):
        rows.append([_("Total"), *matrix[-1]])
    note = _("Cells under 5 and cells that would reveal them are hidden (<5).") if table.suppressed else ""
    return PackTable(
        str(table.title),
        header,
        rows,
        note,
        groups=[(label, span) for _sex, label, span in table.sex_groups()],
        short_header=[first_header] + [str(c.band_label or c.label) for c in table.columns] + [_("Total")],
        empty=_("None was recorded in the period.") if len(rows) == 1 else "",
    )


def ctip_pack_tables(area: Area | None, period: Period, *, suppressed: bool = True) -> list[PackTable]:
    """The CTiP tables of a report pack for ``area`` (None: Kenya) and ``period``, in the shape of
    the packs' tables. The pack builder has already checked the reader's reach; ``suppressed``
    (the default, safe for stakeholders) applies the small-cell suppression."""
    rows = _tracks(CtipTrack.objects.all(), period, area)
    return [
        as_pack_table(suppress(t) if suppressed else t, str(ROW_HEADERS[dimension]))
        for dimension, t in ((d, _table(rows, d, period)) for d in DIMENSIONS)
    ]

"""The caseload table: rows (a dimension such as case category) × columns (sex × age band), with
row, column and grand totals, like the DCS Excel caseload return.

A table carries its figures only; a *suppressed* table (stakeholders) no longer holds the hidden
figures at all, so no page, export or API can leak them by mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cpims.core.periods import Period

TOTAL = "__total__"  # the row or column key of the totals


@dataclass(frozen=True)
class Row:
    key: Any  # a Code/Area/OrgUnit id, a string (sex, band, status), a date (month) or None
    label: str


@dataclass(frozen=True)
class Col:
    sex: str
    band: str
    label: str
    sex_label: str = ""
    band_label: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.sex, self.band)


@dataclass
class CaseloadTable:
    period: Period
    rows: list[Row]
    columns: list[Col]
    # (row key, sex, band) -> count; a hidden entry is absent (suppressed tables).
    counts: dict[tuple[Any, str, str], int] = field(default_factory=dict)
    row_totals: dict[Any, int | None] = field(default_factory=dict)
    col_totals: dict[tuple[str, str], int | None] = field(default_factory=dict)
    grand_total: int | None = 0
    suppressed: bool = False
    # Entries hidden by suppression: (row key or TOTAL, (sex, band) or TOTAL).
    hidden: frozenset[tuple[Any, Any]] = frozenset()
    # What the table counts, for titles, drill-down links and exports.
    dimension: str = "category"
    bands: str = "dcs"
    cases_only: bool = False
    area: Any = None
    org_unit: Any = None
    title: str = ""

    # --- figures --------------------------------------------------------------------------
    def is_hidden(self, row_key: Any, sex: str | None = None, band: str | None = None) -> bool:
        col = TOTAL if sex is None else (sex, band)
        return (row_key, col) in self.hidden

    def cell(self, row_key: Any, sex: str, band: str) -> int | None:
        """The count, or None when suppression hides it."""
        if (row_key, (sex, band)) in self.hidden:
            return None
        return self.counts.get((row_key, sex, band), 0)

    def row_total(self, key: Any) -> int | None:
        if (key, TOTAL) in self.hidden:
            return None
        return self.row_totals.get(key, 0)

    def col_total(self, sex: str, band: str) -> int | None:
        if (TOTAL, (sex, band)) in self.hidden:
            return None
        return self.col_totals.get((sex, band), 0)

    @property
    def total(self) -> int | None:
        if (TOTAL, TOTAL) in self.hidden:
            return None
        return self.grand_total

    # --- for templates and exports ----------------------------------------------------------
    def sex_groups(self) -> list[tuple[str, str, int]]:
        """(sex, label, number of columns) in column order, for a two-line header."""
        out: list[tuple[str, str, int]] = []
        for col in self.columns:
            if out and out[-1][0] == col.sex:
                out[-1] = (col.sex, out[-1][1], out[-1][2] + 1)
            else:
                out.append((col.sex, col.sex_label, 1))
        return out

    def lines(self) -> Iterator[tuple[Row, list[tuple[Col, int | None]], int | None]]:
        """Each row with its (column, value) pairs and its total."""
        for row in self.rows:
            yield row, [(col, self.cell(row.key, col.sex, col.band)) for col in self.columns], self.row_total(row.key)

    def totals_line(self) -> list[tuple[Col, int | None]]:
        return [(col, self.col_total(col.sex, col.band)) for col in self.columns]

    def as_matrix(self) -> list[list[int | None]]:
        """The extended table: data rows then the totals row; each row's cells then its total."""
        matrix = [[value for _c, value in cells] + [total] for _r, cells, total in self.lines()]
        matrix.append([value for _c, value in self.totals_line()] + [self.total])
        return matrix

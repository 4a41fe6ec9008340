"""Suppression: no figure from 1 to 4 is shown, and no hidden figure can be worked out from the
figures shown (checked by exact linear algebra, independently of the bridge rule used to choose)."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction
from typing import Any

import pytest

from cpims.core.periods import Period
from cpims.reporting.queries import _build_table
from cpims.reporting.suppression import suppress
from cpims.reporting.tables import TOTAL, CaseloadTable

PERIOD = Period.parse("2025/26")
M1, M2 = dt.date(2025, 7, 1), dt.date(2025, 8, 1)
BANDS = ["0-5", "6-10", "11-15", "16-18", "18+", "unknown"]


def random_counts(rng: random.Random, rows: int, sexes: tuple[str, ...] = ("male", "female")) -> dict[tuple, int]:
    counts = {}
    for r in range(rows):
        for s in sexes:
            for b in BANDS:
                value = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) if rng.random() < 0.7 else 0
                if value:
                    counts[(dt.date(2025, r + 1, 1), s, b)] = value
    return counts


def table_of(counts: dict[tuple, int]) -> CaseloadTable:
    # Row keys must exist as rows: use a dimension whose rows are the keys present.
    table = _build_table(counts, period=PERIOD, dimension="month", bands="dcs", cases_only=True)
    return table


def _rank(matrix: list[list[Fraction]]) -> int:
    m = [row[:] for row in matrix]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][c] != 0:
                factor = m[i][c] / m[rank][c]
                m[i] = [a - factor * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


def recoverable(table: CaseloadTable) -> list[tuple[Any, Any]]:
    """Hidden entries whose value is fixed by the shown figures and the additivity of the table."""
    hidden = sorted(table.hidden, key=str)
    if not hidden:
        return []
    index = {e: i for i, e in enumerate(hidden)}
    row_keys = [r.key for r in table.rows] + [TOTAL]
    col_keys = [c.key for c in table.columns] + [TOTAL]
    equations: list[list[Fraction]] = []
    # Each line of the extended table: cells add up to the total (data rows, totals row, columns).
    for r in row_keys:
        line = [(r, c) for c in col_keys]
        equations.append([Fraction(0)] * len(hidden))
        for e in line:
            if e in index:
                equations[-1][index[e]] += 1 if e[1] != TOTAL else -1
    for c in col_keys:
        line = [(r, c) for r in row_keys]
        equations.append([Fraction(0)] * len(hidden))
        for e in line:
            if e in index:
                equations[-1][index[e]] += 1 if e[0] != TOTAL else -1
    base = _rank(equations)
    out = []
    for e, i in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[i] = Fraction(1)
        if _rank([*equations, unit]) == base:  # e is a combination of the known sums
            out.append(e)
    return out


def shown_values(table: CaseloadTable) -> list[int]:
    return [v for row in table.as_matrix() for v in row if v is not None]


@pytest.mark.parametrize("seed", range(60))
def test_no_small_figure_is_shown_and_no_hidden_figure_is_recoverable(seed: int) -> None:
    rng = random.Random(seed)
    sexes = ("male", "female", "intersex") if seed % 4 == 0 else ("male", "female")
    original = table_of(random_counts(rng, rows=rng.randint(1, 7), sexes=sexes))
    table = suppress(original)
    assert table.suppressed
    assert not [v for v in shown_values(table) if 1 <= v <= 4]
    assert recoverable(table) == []
    # What is shown is true.
    for row, cells, total in table.lines():
        assert total in (None, original.row_total(row.key))
        for col, value in cells:
            assert value in (None, original.cell(row.key, col.sex, col.band))
    assert table.total in (None, original.total)


def test_hidden_figures_are_not_in_the_suppressed_table() -> None:
    original = table_of(
        {(M1, "male", "0-5"): 3, (M1, "female", "0-5"): 20, (M2, "male", "0-5"): 30, (M2, "female", "0-5"): 7}
    )
    table = suppress(original)
    assert table.cell(M1, "male", "0-5") is None
    assert (M1, "male", "0-5") not in table.counts
    assert 3 not in shown_values(table)


def test_one_small_cell_gets_three_complements() -> None:
    original = table_of(
        {(M1, "male", "0-5"): 3, (M1, "female", "0-5"): 20, (M2, "male", "0-5"): 30, (M2, "female", "0-5"): 7}
    )
    table = suppress(original)
    # A rectangle: the 3, its row and column partners, and the opposite corner.
    assert {e for e in table.hidden if TOTAL not in e} == {
        (M1, ("male", "0-5")),
        (M1, ("female", "0-5")),
        (M2, ("male", "0-5")),
        (M2, ("female", "0-5")),
    }
    assert table.total == 60


def test_tables_of_one_population_show_the_same_totals_row() -> None:
    """Two tables over the same records (different rows) hide the same column totals, so one
    cannot reveal what the other hid."""
    rng = random.Random(11)
    for _ in range(30):
        counts = random_counts(rng, rows=4)
        # The same records grouped into other rows: merge rows 1+2 and 3+4.
        merged: dict[tuple, int] = {}
        for (r, s, b), n in counts.items():
            key = (dt.date(2025, (r.month + 1) // 2, 1), s, b)
            merged[key] = merged.get(key, 0) + n
        a, b = suppress(table_of(counts)), suppress(table_of(merged))
        assert {e for e in a.hidden if e[0] == TOTAL} == {e for e in b.hidden if e[0] == TOTAL}
        assert a.totals_line() == b.totals_line()
        assert a.total == b.total


def test_an_empty_table_shows_zeros() -> None:
    table = suppress(table_of({}))
    assert table.total == 0
    assert table.hidden == frozenset()


def test_the_checker_finds_a_lone_hidden_cell() -> None:
    """The independent checker is not vacuous: a table with only the small cell hidden leaks it."""
    from dataclasses import replace

    original = table_of({(M1, "male", "0-5"): 3, (M1, "female", "0-5"): 20, (M2, "male", "0-5"): 30})
    naive = replace(original, hidden=frozenset({(M1, ("male", "0-5"))}))
    assert recoverable(naive) == [(M1, ("male", "0-5"))]

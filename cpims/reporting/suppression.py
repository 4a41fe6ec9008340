"""Small-cell suppression for aggregate-only viewers (stakeholders).

Primary suppression hides every figure from 1 to 4 — data cells and totals alike, since a total
of 3 is as revealing as a cell of 3. Complementary suppression then hides more figures until no
hidden figure can be worked out from the figures shown.

Why the rule below is exact: write the table with its totals row and column as an extended
(R+1)×(C+1) table. Every line of it (a row or a column, totals included) says "the cells add up to
the total", a linear equation over the whole line. Take a graph whose nodes are the lines and whose
edges are the hidden figures (figure (i, j) joins row i and column j). The hidden figures are fixed
by the shown ones up to adding any alternating ±t around a cycle of that graph, so a hidden figure
can be recovered exactly if and only if its edge lies on no cycle — if it is a *bridge*. So we hide
more figures until the graph has no bridge: for each bridge, the cheapest path of figures joining
its row and column another way (small non-zero data cells first; zeros and row totals avoided).

The totals row (column totals and grand total) is decided from those figures alone and never used
as a complement, so every table of the same population shows the same totals (see _margin_hidden).

Not covered (see docs/reporting.md): differencing *between* requests over nested periods or areas
(a year minus three quarters); aggregate-only viewers are therefore limited to counties and the
nation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cpims.reporting.tables import TOTAL, CaseloadTable

LOW, HIGH = 1, 4  # figures in this range are never shown

Entry = tuple[Any, Any]  # (row key or TOTAL, (sex, band) or TOTAL)


def _entries(table: CaseloadTable) -> dict[Entry, int]:
    values: dict[Entry, int] = {}
    for row in table.rows:
        for col in table.columns:
            values[(row.key, col.key)] = table.counts.get((row.key, col.sex, col.band), 0)
        values[(row.key, TOTAL)] = table.row_totals.get(row.key, 0) or 0
    for col in table.columns:
        values[(TOTAL, col.key)] = table.col_totals.get(col.key, 0) or 0
    values[(TOTAL, TOTAL)] = table.grand_total or 0
    return values


def bridges(hidden: set[Entry]) -> list[Entry]:
    """The hidden entries that lie on no cycle of the row/column graph (recoverable ones)."""
    adjacency: dict[tuple[str, Any], list[tuple[tuple[str, Any], Entry]]] = {}
    for entry in hidden:
        r, c = ("r", entry[0]), ("c", entry[1])
        adjacency.setdefault(r, []).append((c, entry))
        adjacency.setdefault(c, []).append((r, entry))
    # Iterative Tarjan bridge-finding (tables have at most a few hundred lines).
    order: dict[Any, int] = {}
    low: dict[Any, int] = {}
    found: list[Entry] = []
    counter = 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack: list[tuple[Any, Entry | None, int]] = [(root, None, 0)]
        while stack:
            node, via, index = stack[-1]
            edges = adjacency[node]
            if index < len(edges):
                stack[-1] = (node, via, index + 1)
                nxt, edge = edges[index]
                if edge == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, 0))
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(via)
    return found


def _margin_hidden(values: dict[Entry, int], col_keys: list[Any]) -> set[Entry]:
    """The column totals and grand total to hide, decided from those figures alone.

    Every table of one population (same period, area, age bands, counting cases or categories)
    has the same totals row whatever its rows are, so deciding it from the totals alone shows the
    same totals in every such table: one table can never reveal a total another one hid.
    """
    line = [(TOTAL, c) for c in col_keys] + [(TOTAL, TOTAL)]
    hidden = {e for e in line if LOW <= values[e] <= HIGH}
    if len(hidden) == 1:
        # One hidden figure in a line is the total minus the others: hide the smallest other one.
        others = sorted((e for e in line if e not in hidden and values[e] > 0), key=lambda e: (values[e], str(e)))
        if others:
            hidden.add(others[0])
    return hidden


def _cost(entry: Entry, value: int) -> int:
    # Prefer a small non-zero data cell; then a zero; a row total only when nothing else will do.
    if TOTAL in entry:
        return 1_000_000 + value
    return value if value > 0 else 100


def _cheapest_path(
    values: dict[Entry, int], hidden: set[Entry], locked: set[Entry], bridge: Entry, rows: list[Any], cols: list[Any]
) -> list[Entry] | None:
    """The cheapest set of entries to hide that joins the bridge's row and column another way
    (Dijkstra over the complete row/column graph; hidden entries are free, locked ones barred)."""
    import heapq

    start, goal = ("r", bridge[0]), ("c", bridge[1])
    dist: dict[tuple[str, Any], int] = {start: 0}
    back: dict[tuple[str, Any], tuple[tuple[str, Any], Entry]] = {}
    heap: list[tuple[int, int, tuple[str, Any]]] = [(0, 0, start)]
    tie = 1
    done: set[tuple[str, Any]] = set()
    while heap:
        d, _t, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            break
        side, key = node
        for other in cols if side == "r" else rows:
            entry = (key, other) if side == "r" else (other, key)
            if entry == bridge or entry in locked:
                continue
            step = 0 if entry in hidden else _cost(entry, values[entry])
            nxt = ("c" if side == "r" else "r", other)
            if nxt not in done and d + step < dist.get(nxt, 1 << 62):
                dist[nxt] = d + step
                back[nxt] = (node, entry)
                heapq.heappush(heap, (d + step, tie, nxt))
                tie += 1
    if goal not in back:
        return None
    path, node = [], goal
    while node != start:
        node, entry = back[node]
        path.append(entry)
    return path


def choose_hidden(values: dict[Entry, int], row_keys: list[Any], col_keys: list[Any]) -> set[Entry]:
    """The entries to hide: every 1-4, plus complements until none is recoverable."""
    margins = _margin_hidden(values, col_keys)
    hidden = {e for e, v in values.items() if LOW <= v <= HIGH and e[0] != TOTAL} | margins
    # Shown totals-row figures stay shown (see _margin_hidden).
    locked = {(TOTAL, c) for c in [*col_keys, TOTAL]} - margins
    rows, cols = [*row_keys, TOTAL], [*col_keys, TOTAL]
    while True:
        found = bridges(hidden)
        if not found:
            return hidden
        path = _cheapest_path(values, hidden, locked, found[0], rows, cols)
        if not path:  # nothing can protect it: hide the whole table rather than leak
            return set(values)
        hidden.update(path)


def suppress(table: CaseloadTable) -> CaseloadTable:
    """A copy of ``table`` for an aggregate-only viewer: hidden figures removed, ``suppressed``."""
    values = _entries(table)
    hidden = choose_hidden(values, [r.key for r in table.rows], [c.key for c in table.columns])
    counts = {key: n for key, n in table.counts.items() if ((key[0], (key[1], key[2])) not in hidden)}
    row_totals = {k: (None if (k, TOTAL) in hidden else v) for k, v in table.row_totals.items()}
    col_totals = {k: (None if (TOTAL, k) in hidden else v) for k, v in table.col_totals.items()}
    grand = None if (TOTAL, TOTAL) in hidden else table.grand_total
    return replace(
        table,
        counts=counts,
        row_totals=row_totals,
        col_totals=col_totals,
        grand_total=grand,
        hidden=frozenset(hidden),
        suppressed=True,
    )

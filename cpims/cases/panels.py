"""Sections other apps add to the case page (referrals, court, later placements).

An app registers ``fn(user, case) -> Panel`` in its AppConfig.ready(); the case page renders each
panel's template with its context, so the cases app never imports the apps built on it.

What a panel costs: it gets the case as the page fetched it (``queries.case_for_page``: child,
office, plan and categories loaded). ``scope.can(user, perm, case)`` costs no query there (the
page's query for the case answered every permission over the case, remembered for the request),
and ``queries.case_has_category`` reads the prefetched categories. A panel should read its own rows
in one query (select_related / annotate, never a query per row); docs/performance.md lists each
one's. With its registration a panel may also name ``flags``: ``{name: callable() -> expression}``,
an EXISTS over the case (``OuterRef("pk")``) read with it, so the panel skips its query for rows
the case has none of (``case_has(case, name)``). A flag must be true whenever the panel could show
a row (an unscoped EXISTS is). Panels do not join their records to the case's query: each join
there costs PostgreSQL planning time on every case page, far more than a panel's own small query
on the few cases that have its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cpims.accounts.models import User


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


_SOURCES: list[Callable[[Any, Any], Panel | None]] = []
_FLAGS: dict[str, Callable[[], Any]] = {}
FLAG_PREFIX = "page_has_"


def register_case_panel(
    fn: Callable[[Any, Any], Panel | None], *, flags: Mapping[str, Callable[[], Any]] | None = None
) -> None:
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    register_case_flags(flags or {})


def register_case_flags(flags: Mapping[str, Callable[[], Any]]) -> None:
    """EXISTS columns read with the case on its page (``case_has``)."""
    _FLAGS.update(flags)


def page_flags() -> dict[str, Any]:
    """The annotations for the registered flags, to read with the case."""
    return {f"{FLAG_PREFIX}{name}": expression() for name, expression in _FLAGS.items()}


def case_has(case: Any, name: str) -> bool:
    """False only when the case page read the flag ``name`` with the case and the case has no such
    row; True otherwise (a case fetched by another query: ask the database)."""
    return getattr(case, f"{FLAG_PREFIX}{name}", True) is not False


def panels_for(user: User, case: Any) -> list[Panel]:
    return [panel for fn in _SOURCES if (panel := fn(user, case)) is not None]

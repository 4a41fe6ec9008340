"""Sections other apps add to the case page (referrals, court, later placements).

An app registers ``fn(user, case) -> Panel`` in its AppConfig.ready(); the case page renders each
panel's template with its context, so the cases app never imports the apps built on it.

What a panel costs: it gets the case as the page fetched it (``queries.case_for_page``: codes,
places, plan and categories loaded). ``scope.can(user, perm, case)`` costs no query there (the
page asked once for every permission over the case, remembered for the request), and
``queries.case_has_category`` reads the prefetched categories. A panel should read its own rows in
one query (select_related / annotate, never a query per row); docs/performance.md lists each one's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cpims.accounts.models import User


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


_SOURCES: list[Callable[[Any, Any], Panel | None]] = []


def register_case_panel(fn: Callable[[Any, Any], Panel | None]) -> None:
    if fn not in _SOURCES:
        _SOURCES.append(fn)


def panels_for(user: User, case: Any) -> list[Panel]:
    return [panel for fn in _SOURCES if (panel := fn(user, case)) is not None]

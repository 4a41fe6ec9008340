"""Sections other apps add to the case page (referrals, court, later placements).

An app registers ``fn(user, case) -> Panel`` in its AppConfig.ready(); the case page renders each
panel's template with its context, so the cases app never imports the apps built on it.
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

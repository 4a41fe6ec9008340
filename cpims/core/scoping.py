"""How a model tells the scope rules (cpims.accounts.scope) where its scope lives.

Kept in core so models of any app can declare it without importing the accounts app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScopeFields:
    """ORM paths from a scoped model to the things scope is decided on."""

    org_unit: str | None = None
    county: str | None = None
    sub_county: str | None = None
    owner: str | None = None
    # True when a path crosses a to-many relation, so results must be de-duplicated.
    multi: bool = False
    # Extra access given record by record (e.g. a referral to another unit), as a callable
    # (user, grants, permission) -> Q, or None.
    extra: Any = None

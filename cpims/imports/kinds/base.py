"""What every kind of import declares, and the registry of kinds.

A kind names its columns (the template's headers), the permission a user needs to use it, and
``import_row``: it turns one row into a call of the owning app's action (``orgunit_create``,
``user_create``, ``child_register``, ``return_paper_add``). The action's own checks (scope included)
decide whether the row is good; its ``ValidationError`` becomes the row's errors. So the dry run and
the import run the very same code: the dry run rolls back at the end (see ``cpims.imports.running``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from cpims.accounts.models import User
from cpims.imports.reading import Row


@dataclass(frozen=True)
class Column:
    key: str  # also the header in the template (stable across languages)
    help_en: str  # shown in the instructions sheet, English ...
    help_sw: str  # ... and Kiswahili (the template is bilingual, whatever the page language)
    required: bool = False
    # A data validation list in the template: the values, or a callable giving them (code lists).
    choices: Sequence[str] | Callable[[], Sequence[str]] = ()
    example: str = ""


class RowProblem(Exception):
    """A row cannot be imported: ``errors`` are ``(column key or "", message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]], *, duplicate: bool = False) -> None:
        super().__init__("row problem")
        self.errors = errors
        self.duplicate = duplicate


@dataclass
class Context:
    """What one run of an import knows besides the rows: the actor and a cache for lookups."""

    actor: User
    request: Any = None
    cache: dict[str, Any] = field(default_factory=dict)


class ImportKind:
    code: ClassVar[str]
    label: ClassVar[Any]  # lazy translation
    description: ClassVar[Any]
    perm: ClassVar[str]  # besides data.import
    columns: ClassVar[list[Column]]
    field_columns: ClassVar[dict[str, str]] = {}  # an action's error field -> our column key

    def import_row(self, ctx: Context, row: Row) -> str:
        """Import one row through the owning app's action; returns a short outcome code
        ("created"). Raises RowProblem, ValidationError or PermissionDenied."""
        raise NotImplementedError

    def required_headers(self) -> list[tuple[str, str]]:
        """The columns a file must have; optional columns may be left out altogether."""
        return [(c.key, c.key) for c in self.columns if c.required]

    def column_for(self, field_name: str) -> str:
        name = field_name.split(".")[-1] if field_name != "__all__" else ""
        if field_name in self.field_columns:
            return self.field_columns[field_name]
        if name in self.field_columns:
            return self.field_columns[name]
        return name if name in {c.key for c in self.columns} else ""


# --- helpers shared by the kinds -----------------------------------------------------------------


def required(row: Row, errors: list[tuple[str, str]], key: str) -> str:
    value = row.cells.get(key, "").strip()
    if not value:
        errors.append((key, _("This column is required.")))
    return value


def optional(row: Row, key: str) -> str:
    return row.cells.get(key, "").strip()


def parse_date(errors: list[tuple[str, str]], key: str, value: str) -> dt.date | None:
    if not value:
        return None
    text = value.strip()[:10]
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors.append((key, _("Write the date as YYYY-MM-DD (for example 2015-03-31).")))
    return None


def choice(errors: list[tuple[str, str]], key: str, value: str, allowed: Sequence[str]) -> str:
    lowered = value.strip().lower()
    if lowered and lowered not in allowed:
        errors.append(
            (key, _("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": ", ".join(allowed)})
        )
        return ""
    return lowered


_KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> None:
    _KINDS[kind.code] = kind


def get_kind(code: str) -> ImportKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[ImportKind]:
    return list(_KINDS.values())

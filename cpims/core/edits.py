"""What every edit action shares: the row locked for the edit, the refusal of an edit made on an
out-of-date copy (``StaleEdit``, code ``"stale"``) and the names of the fields an edit changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)


class StaleEdit(ValidationError):
    """The record changed since the editor read it; nothing was written."""


def refuse_stale(
    current: M, *, field: str, expected: Any, message: str | Callable[[M], str], unchecked_ok: bool = True
) -> None:
    """Raise StaleEdit when ``current``'s ``field`` (a version or ``updated_at``) is no longer the
    ``expected`` value the editor read. ``expected=None`` (the editor did not say what it read)
    passes when ``unchecked_ok``, else is refused. A callable ``message`` is asked only when
    refusing, as it may have to look up who changed the record."""
    if expected is None and unchecked_ok:
        return
    if getattr(current, field) != expected:
        raise StaleEdit(message(current) if callable(message) else message, code="stale")


def lock_for_edit(
    obj: M, *, field: str, expected: Any, message: str | Callable[[M], str], unchecked_ok: bool = True
) -> M:
    """``obj``'s row read again and locked, so that two saves cannot both pass the check, then
    checked with :func:`refuse_stale`."""
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    refuse_stale(current, field=field, expected=expected, message=message, unchecked_ok=unchecked_ok)
    return current


def changed_fields(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    """The names in ``values`` whose value differs from ``obj``'s, in the order given."""
    return [name for name, value in values.items() if getattr(obj, name) != value]

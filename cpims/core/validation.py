"""Helpers every action uses to validate its input before writing, in one place.

Actions gather problems per field into an ``Errors`` dict and raise them all at once, so a form
shows every mistake on the first try instead of one per submit.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cpims.core.models import Code

Errors = dict[str, list[str]]

MAX_TEXT = 4000


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def flatten(errors: dict[str, Any], prefix: str = "") -> Errors:
    """Nested problems as ``{"relatives.0.first_name": [...]}`` for ``ValidationError``."""
    flat: Errors = {}
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name.replace(".__all__", "") if name != "__all__" else "__all__"] = list(value)
    return flat


def raise_errors(errors: dict[str, Any]) -> None:
    """Raise every gathered problem at once; nothing when there are none."""
    if errors:
        raise ValidationError(flatten(errors))


def in_list(code: Any, list_name: str) -> bool:
    """Is ``code`` a code of the DCS code list ``list_name``?"""
    return isinstance(code, Code) and code.code_list.name == list_name


def clean_text(errors: Errors, field: str, value: str | None, limit: int = MAX_TEXT, *, required: str = "") -> str:
    """``value`` stripped; a problem recorded when it is required and empty, or too long."""
    value = (value or "").strip()
    if required and not value:
        add_error(errors, field, required)
    if len(value) > limit:
        add_error(errors, field, _("Use at most %(n)d characters.") % {"n": limit})
    return value


def check_date(errors: Errors, field: str, value: dt.date | None, missing: str, *, not_future: bool = True) -> None:
    """A problem recorded when the date is missing, or (by default) in the future in Kenya."""
    if value is None:
        add_error(errors, field, missing)
    elif not_future and value > timezone.localdate():
        add_error(errors, field, _("This date cannot be in the future."))


def short_date(day: dt.date) -> str:
    """A date as people read it in messages, in the reader's language."""
    return date_format(day, "SHORT_DATE_FORMAT")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the last day of the month when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

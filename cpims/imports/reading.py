"""Reading an uploaded .xlsx or .csv into rows of text, safely.

Everything here is refused with :class:`FileRefused` and a message for the user, never an
exception that would answer 500: a file that is too big, not a spreadsheet, a corrupted zip, an
empty sheet, headers that are not the template's, or more rows than allowed.

Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, or a leading tab or
carriage return) are *neutralised*: the leading characters are stripped, the rest is kept as
plain text, and the cell is reported so the user sees what changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import tablib
from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX, CSV = "xlsx", "csv"


class FileRefused(Exception):
    """The file cannot be read as an import: ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return int(getattr(settings, "CPIMS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "CPIMS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass
class Row:
    """One data row: its number as the user sees it in the spreadsheet, and its cells by column key."""

    number: int
    cells: dict[str, str]
    neutralised: list[str] = field(default_factory=list)  # column keys whose formula start was removed


@dataclass
class Table:
    rows: list[Row]


def file_format(name: str) -> str | None:
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx"):
        return XLSX
    if lowered.endswith(".csv"):
        return CSV
    return None


def check_size(size: int | None) -> None:
    limit = max_bytes()
    if size is None or size > limit:
        raise FileRefused(
            _("The file is too large: at most %(mb)s MB may be imported at once. Split it into smaller files.")
            % {"mb": f"{limit / (1024 * 1024):g}"}
        )


def neutralise(value: str) -> tuple[str, bool]:
    """``value`` with any leading formula characters removed; True when something was removed.

    A negative number is not a formula: "-3" stays as it is (no column of ours takes one, and the
    column's own check refuses it)."""
    if not value or not value.startswith(FORMULA_STARTS):
        return value, False
    stripped = value.lstrip("=+-@\t\r ")
    if value.startswith("-") and _is_number(value):
        return value, False
    return stripped, True


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time.min else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _dataset(content: bytes, fmt: str) -> tablib.Dataset:
    if fmt == CSV:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileRefused(_("The CSV file is not in UTF-8. Save it again as “CSV UTF-8” and upload it.")) from exc
        if "\x00" in text:
            raise FileRefused(_("The file is not a CSV file."))
        try:
            return tablib.Dataset().load(text, format="csv")
        except (csv.Error, tablib.InvalidDimensions, ValueError) as exc:
            raise FileRefused(
                _("The CSV file could not be read: check that every row has the same number of columns.")
            ) from exc
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise FileRefused(_("The file is not an Excel workbook (.xlsx). Download the template and fill it in."))
    try:
        # Formulas as written (data_only=False), so a formula cell is seen, neutralised and flagged
        # instead of silently replaced by its cached result. read_only keeps memory flat. The first
        # sheet is the data sheet of our templates.
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header = next(rows, None) or ()
            dataset = tablib.Dataset(headers=[_text(h) for h in header])
            width = len(header)
            # Blank rows are skipped later, but a sheet of a million formatted blank rows is refused here.
            ceiling = max_rows() * 10 + 100
            for count, raw in enumerate(rows):
                if count > ceiling:
                    raise FileRefused(_too_many())
                values = [*list(raw)[:width], *([None] * (width - len(raw)))]
                dataset.append(values)
        finally:
            book.close()
    except FileRefused:
        raise
    except Exception as exc:
        raise FileRefused(
            _("The Excel file is damaged or not a workbook we can read. Open it in Excel, save it again and retry.")
        ) from exc
    return dataset


def _too_many() -> str:
    return _("The file has more than %(limit)d rows: split it into files of at most %(limit)d rows.") % {
        "limit": max_rows()
    }


def read_table(content: bytes, name: str, columns: list[tuple[str, str]], *, aliases: dict[str, str]) -> Table:
    """The rows of ``content`` keyed by column key. ``columns`` are the ``(key, header)`` pairs the
    file must have; ``aliases`` maps every accepted header (English or Kiswahili, lower case) to a key."""
    fmt = file_format(name)
    if fmt is None:
        raise FileRefused(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    check_size(len(content))
    data = _dataset(content, fmt)
    headers = [_text(h).lower() for h in (data.headers or [])]
    if not any(headers):
        raise FileRefused(_("The file has no header row. Use the template: its first row names the columns."))
    keys = [aliases.get(h.rstrip(" *")) for h in headers]
    missing = [header for key, header in columns if key not in keys]
    unknown = [h for h, k in zip(headers, keys, strict=True) if h and k is None]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown[:10])})
        raise FileRefused(
            _("The columns are not the template's (%(problems)s). Download the template and copy your rows into it.")
            % {"problems": "; ".join(parts)}
        )
    rows: list[Row] = []
    limit = max_rows()
    for index, raw in enumerate(data, start=2):  # row 1 holds the headers
        values = [_text(v) for v in raw]
        if not any(values):
            continue
        if len(rows) >= limit:
            raise FileRefused(_too_many())
        row = Row(number=index, cells={})
        for key, value in zip(keys, values, strict=False):
            if key is None:
                continue
            clean, changed = neutralise(value)
            if changed:
                row.neutralised.append(key)
            row.cells[key] = clean
        rows.append(row)
    if not rows:
        raise FileRefused(_("The file has no rows to import under its header row."))
    return Table(rows=rows)

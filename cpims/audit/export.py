"""CSV export of audit events, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from cpims.audit.models import AuditEvent
from cpims.audit.queries import NAIROBI

# A spreadsheet treats a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """``value`` as text that no spreadsheet will run: a leading formula character gets a quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, so rows stream as they are made."""

    def write(self, value: str) -> str:
        return value


def header() -> list[str]:
    return [
        _("Time (Kenya)"),
        _("User name"),
        _("Action"),
        _("Outcome"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("IP address"),
        _("Details"),
    ]


def row(event: AuditEvent) -> list[str]:
    return [
        event.at.astimezone(NAIROBI).isoformat(timespec="seconds"),
        event.actor_username,
        event.action,
        event.outcome,
        event.object_type,
        event.object_id,
        event.object_label,
        event.ip or "",
        json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else "",
    ]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV file line by line: a byte-order mark (so spreadsheets read UTF-8), the header, the rows.

    The header is translated now, in the request's language: the lines themselves are produced
    later, while the response streams.
    """
    writer = csv.writer(_Echo())
    first = "\ufeff" + writer.writerow([neutralise(cell) for cell in header()])

    def lines() -> Iterator[str]:
        yield first
        for event in events:
            yield writer.writerow([neutralise(cell) for cell in row(event)])

    return lines()


# A larger export ties up a web worker for too long; narrow the filters (e.g. one month) instead.
MAX_ROWS = 100_000

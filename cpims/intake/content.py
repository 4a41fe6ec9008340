"""What a report says, as compared when a partner system sends a reference again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from cpims.intake.models import IntakeReport

# What a report says, compared when a partner sends a reference again.
COMPARED_FIELDS = (
    "urgent",
    "what_happened",
    "county",
    "sub_county",
    "ward",
    "place",
    "happened_on",
    "child_name",
    "child_age",
    "child_sex",
    "anonymous",
    "reporter_name",
    "reporter_contact",
    "reporter_relationship",
)


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def report_content(fields: dict[str, Any]) -> dict[str, Any]:
    """The compared fields as JSON-ready values (areas as ids, dates as ISO text)."""
    return {name: _comparable(fields[name]) for name in COMPARED_FIELDS}


def stored_content(report: IntakeReport) -> dict[str, Any]:
    # attname: the area ids as stored, without loading the areas.
    attnames = {f.name: f.attname for f in IntakeReport._meta.concrete_fields}
    return report_content({name: getattr(report, attnames[name]) for name in COMPARED_FIELDS})

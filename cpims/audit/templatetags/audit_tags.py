from __future__ import annotations

import json
from typing import Any

from django import template

from cpims.audit import labels

register = template.Library()


@register.filter
def compact_json(value: Any) -> str:
    """An event's details as one line of JSON (autoescaped by the template like any text)."""
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


@register.filter
def action_label(value: str) -> str:
    """The action code's label in the reader's language (the code when it has none)."""
    return labels.action_label(value)

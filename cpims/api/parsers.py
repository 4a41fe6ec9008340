"""The API's JSON parser: DRF's, refusing what no endpoint can use.

A body nested so deep that the parser recurses too far, or holding a NUL character in any
string (PostgreSQL refuses NUL in text, so a lookup or a save with it would raise), answers 400
"The request body could not be read." (cpims.api.exceptions words every ParseError).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _has_nul(data: Any) -> bool:
    # Iterative: a deeply nested body must not overflow the stack here either.
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError() from None
        if _has_nul(data):
            raise ParseError()
        return data

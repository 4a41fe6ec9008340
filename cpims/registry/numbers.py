"""CPIMS numbers: "CP" + a serial (at least 7 digits) + a Damm check digit, e.g. CP00001238.

The check digit catches every single mistyped digit and every swap of two neighbouring digits,
so a number read over a bad phone line is either right or recognisably wrong.
"""

from __future__ import annotations

import re

from django.db import transaction

PREFIX = "CP"
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_NUMBER = re.compile(r"^(?:CP)?(\d{8,})$")


def check_digit(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return interim


def format_number(serial: int) -> str:
    digits = f"{serial:07d}"
    return f"{PREFIX}{digits}{check_digit(digits)}"


def normalise_number(text: str) -> str | None:
    """The canonical form of a typed CPIMS number, or None if it is not one (or the check digit
    is wrong). Spaces, dashes and lower case are accepted: "cp 000-0123 8" -> "CP00001238"."""
    compact = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    match = _NUMBER.match(compact)
    if not match:
        return None
    digits = match.group(1)
    if check_digit(digits) != 0:  # a Damm sequence including its check digit reduces to 0
        return None
    return PREFIX + digits


def looks_like_number(text: str) -> bool:
    """True if the text is shaped like a CPIMS number (even with a wrong check digit)."""
    compact = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    return bool(_NUMBER.match(compact))


def next_serial(name: str = "person") -> int:
    """Take the next value of the named counter. Must run inside the creating transaction: the
    counter row stays locked until that transaction ends, so concurrent registrations queue for
    the few milliseconds it takes and each gets its own number."""
    from cpims.registry.models import Counter

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial must run inside the creating transaction")
    counter, _ = Counter.objects.select_for_update().get_or_create(name=name)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value


def next_number() -> str:
    return format_number(next_serial("person"))

"""DHIS2 identifiers: validation and the deterministic placeholders of the Kenya default mapping.

A DHIS2 UID is 11 characters: a letter, then ten letters or digits. The Kenya default ships
placeholder UIDs derived from a stable seed (for example ``de:category:CDIS``) so every install
generates the same ones and a re-load never changes them; they must be replaced by the real KHIS
identifiers before a push to a production server.
"""

from __future__ import annotations

import hashlib
import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

UID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALPHANUMERIC = _LETTERS + "0123456789"

validate_uid = RegexValidator(
    UID_RE, _("A DHIS2 identifier is 11 letters and digits, starting with a letter."), code="uid"
)


def is_uid(value: str) -> bool:
    return bool(UID_RE.match(value or ""))


def placeholder_uid(seed: str) -> str:
    """A valid DHIS2 UID derived from ``seed`` (same seed, same UID, on every machine)."""
    number = int.from_bytes(hashlib.sha256(f"cpims-ke-dhis2:{seed}".encode()).digest(), "big")
    number, first = divmod(number, len(_LETTERS))
    chars = [_LETTERS[first]]
    for _i in range(10):
        number, index = divmod(number, len(_ALPHANUMERIC))
        chars.append(_ALPHANUMERIC[index])
    return "".join(chars)

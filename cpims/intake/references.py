"""Reference numbers given to reporters: ``CP-7KX3-QM2P``.

Random (40 bits from ``secrets``) in Crockford's base32 alphabet, so a reference reveals neither
how many reports there are nor when one was made, and a typed one is easy to read back over the
phone (no I, L, O or U). Uniqueness is kept by the database's unique index: the action that
creates a report retries with a new number in the rare event of a clash, so two reports saved at
the same moment never share one.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "CP"
LENGTH = 8


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"


def looks_like_reference(text: str) -> bool:
    text = (text or "").strip().upper()
    parts = text.split("-")
    return (
        len(parts) == 3
        and parts[0] == PREFIX
        and all(len(p) == LENGTH // 2 and all(c in ALPHABET for c in p) for p in parts[1:])
    )

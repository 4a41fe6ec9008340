"""API token secrets: how they are made, recognised and hashed.

A token reads ``cpims_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256
hash is stored; the first characters after the marker (the *prefix*) are kept in clear so people
can tell their tokens apart in lists. A fast hash is right here, unlike for passwords: the secret
is long and random, so there is nothing to guess, and the hash is what the lookup uses.
"""

from __future__ import annotations

import hashlib
import secrets

MARKER = "cpims_"
PREFIX_LENGTH = 8
# Generous upper bound on what we accept in a header before even hashing it.
MAX_LENGTH = 100


def new_secret() -> str:
    return MARKER + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def prefix_of(secret: str) -> str:
    return secret.removeprefix(MARKER)[:PREFIX_LENGTH]


def looks_like_token(value: str) -> bool:
    return value.startswith(MARKER) and len(MARKER) + PREFIX_LENGTH <= len(value) <= MAX_LENGTH

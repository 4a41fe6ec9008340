"""A per-address counter for the public "report a concern" page.

Every POST from one address counts; past the limit within the current hour the page answers 429
until the hour turns. The counter lives in the cache (Redis in production, shared by every web
process) under a hash of the address, so the cache holds no readable IP address.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from cpims.audit.actions import client_ip

DEFAULT_PER_HOUR = 10
WINDOW_SECONDS = 3600


def limit() -> int:
    return int(getattr(settings, "CPIMS_INTAKE_PUBLIC_PER_HOUR", DEFAULT_PER_HOUR))


def _key(request: HttpRequest) -> str:
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"intake:public:{digest}:{int(time.time() // WINDOW_SECONDS)}"


def allow(request: HttpRequest) -> bool:
    """Count one attempt from the request's address; False once the hourly limit is passed."""
    key = _key(request)
    cache.add(key, 0, WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 60)
        count = 1
    return count <= limit()


def seconds_left() -> int:
    return int(WINDOW_SECONDS - time.time() % WINDOW_SECONDS) + 1

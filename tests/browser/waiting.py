"""Waiting for a condition that only a script can read, under our Content Security Policy.

Playwright's ``wait_for_function`` re-evaluates its predicate from the page's own timers, and
there our CSP (``script-src 'self'``) forbids ``eval``: the wait passes only when the condition
already holds at the first check, so it fails at random on a loaded machine. Each
``page.evaluate`` comes from DevTools and is allowed, so we poll from the test instead.
"""

from __future__ import annotations

import time
from typing import Any

POLL_MS = 100


def wait_until(page: Any, expression: str, *, timeout_ms: float = 30_000) -> None:
    """Return once ``expression`` (evaluated in the page, promises awaited) is truthy."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms:.0f} ms: {expression}")
        page.wait_for_timeout(POLL_MS)  # the interval between checks, not a wait for the outcome

"""A signed-in phone-sized page in Debian's chromium, for the apps' browser journeys (marked
``browser``; ``make test-browser``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CPIMS_CHROMIUM", "/usr/bin/chromium")


@contextmanager
def phone_page(live_server: Any, client: Client, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A page signed in as the client's user; fails the test on any console error (CSP, scripts)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; our ORM calls beside it are
    # ordinary synchronous calls. Set for this test only (never at import: it would leak).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []

        def on_console(msg: Any) -> None:
            # The browser's own favicon probe is not ours to fail on.
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
                errors.append(msg.text)

        page.on("console", on_console)
        page.live_server_url = live_server.url  # type: ignore[attr-defined]
        yield page
        assert errors == [], errors  # no CSP violations or script errors
        browser.close()

"""api:docs in Debian's chromium: Swagger UI renders under the strict CSP, with no violation.

Skipped where /usr/bin/chromium (or CPIMS_CHROMIUM) is missing; `make test` runs it when present.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("CPIMS_CHROMIUM", "/usr/bin/chromium")


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)")
def test_docs_render_without_csp_violations(live_server: Any, cast: Any, login: Any, monkeypatch: Any) -> None:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; our ORM calls beside it are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    client = login(Client(), cast.nairobi_officer)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_id, "url": live_server.url}])
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.on(
                "console",
                lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
            )
            page.on("pageerror", lambda error: problems.append(str(error)))
            outside: list[str] = []
            page.on(
                "request",
                lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url),
            )
            page.goto(live_server.url + reverse("api:docs"))
            # The title comes from the schema, so it shows that the start-up script ran and the
            # schema was fetched with the session.
            page.wait_for_selector("#swagger-ui .information-container .title")
            assert "CPIMS Kenya API" in page.inner_text("#swagger-ui .information-container .title")
            page.wait_for_selector("#swagger-ui .opblock-tag")
        finally:
            browser.close()
    script_problems = [p for p in problems if "script" in p.lower() or "eval" in p.lower()]
    assert script_problems == [], script_problems
    assert outside == [], f"the docs page called outside the site: {outside}"

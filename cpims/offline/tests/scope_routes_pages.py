"""Entries for tests/test_url_scope.py for the field app's pages (the PWA side of cpims.offline).

In tests/test_url_scope.py::

    from cpims.offline.tests.scope_routes_pages import offline_page_routes
    ROUTES.update(offline_page_routes(Route, EVERYONE))

The page is for those who work on cases (case.view: not the system administrator, not a
stakeholder); the manifest, the service worker and the session probe hold no personal data and
answer everyone, signed in or not (a browser fetches the manifest without credentials; the probe
says only whether the session lives).
"""

from __future__ import annotations

from typing import Any


def offline_page_routes(route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    return {
        "offline:app": route(ok=everyone - {"admin", "stakeholder"}),
        "offline:manifest": route(ok=everyone, public=True),
        "offline:service_worker": route(ok=everyone, public=True),
        "offline:session": route(ok=everyone, public=True),
    }

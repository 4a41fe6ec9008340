"""Entries for tests/test_url_scope.py (the URL-generated scope test), kept next to the privacy app.

In tests/test_url_scope.py::

    from cpims.privacy.tests.scope_routes import privacy_routes
    ROUTES.update(privacy_routes(Route, EVERYONE))

No member of the fixed cast holds a privacy permission (only the data protection officer's role
does), so every page and endpoint answers 403 to all of them, before any record is looked up.
The officer's own access (200, and 404 for an unknown record) is tested in
cpims/privacy/tests/test_view_scope.py.
"""

from __future__ import annotations

import uuid
from typing import Any

SOME_ID = uuid.UUID("00000000-0000-4000-8000-000000000015")


def _some(cast: Any) -> dict[str, Any]:
    return {"public_id": SOME_ID}


def privacy_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    none: frozenset[str] = frozenset()
    post = {"ok": none, "method": "post", "kwargs": _some}
    return {
        "privacy:request_list": Route(ok=none),
        "privacy:request_create": Route(ok=none),
        "privacy:request_detail": Route(ok=none, kwargs=_some),
        "privacy:request_export": Route(**post),
        "privacy:request_review": Route(**post),
        "privacy:request_correct": Route(**post),
        "privacy:request_complete": Route(**post),
        "privacy:request_refuse": Route(ok=none, kwargs=_some),
        "privacy:breach_list": Route(ok=none),
        "privacy:breach_create": Route(ok=none),
        "privacy:breach_detail": Route(ok=none, kwargs=_some),
        "privacy:breach_touched": Route(ok=none, kwargs=_some),
        "privacy:breach_notice": Route(ok=none, kwargs=_some),
        "privacy:breach_close": Route(**post),
        "api:subjectrequest-list": Route(ok=none, api=True),
        "api:subjectrequest-detail": Route(ok=none, api=True, kwargs=_some),
        "api:breach-list": Route(ok=none, api=True),
        "api:breach-detail": Route(ok=none, api=True, kwargs=_some),
        "api:breach-touched": Route(ok=none, api=True, kwargs=_some),
    }

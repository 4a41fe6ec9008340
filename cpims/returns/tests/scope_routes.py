"""Entries for tests/test_url_scope.py for the returns app's URLs and API endpoints.

Every return URL is requested with last month's return of the Westlands sub-county office,
submitted by the Westlands officer: the officer (its own staff) prepares it; the Nairobi
coordinator and national M&E see and review it; the Turkana users, the partner (whose org-unit
scope is the NGO only), the stakeholder and the administrator get 404 (or 403 where the page needs
a permission they lack altogether).
"""

from __future__ import annotations

from typing import Any


def _submitted(cast: Any) -> Any:
    existing = getattr(cast, "_returns_return", None)
    if existing is None:
        from cpims.returns.tests.conftest import submitted

        existing = cast._returns_return = submitted(cast)
    return existing


def _draft_kwargs(cast: Any) -> dict[str, Any]:
    existing = getattr(cast, "_returns_draft", None)
    if existing is None:
        from cpims.returns.tests.conftest import opened

        existing = cast._returns_draft = opened(cast)
    return {"public_id": existing.public_id}


def _r(cast: Any) -> dict[str, Any]:
    return {"public_id": _submitted(cast).public_id}


def _unit(cast: Any) -> dict[str, Any]:
    return {"unit_id": cast.westlands_office.public_id}


def returns_routes(Route: Any, EVERYONE: frozenset[str]) -> dict[str, Any]:
    submitters = frozenset(
        {"nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer", "partner"}
    )
    approvers = frozenset({"national_me", "nairobi_coordinator", "turkana_coordinator"})
    viewers = submitters | approvers  # return.submit or return.approve somewhere
    seen = frozenset({"nairobi_officer", "nairobi_coordinator", "national_me"})
    hidden = viewers - seen  # in the returns world but outside Westlands: 404
    reviewers = frozenset({"nairobi_coordinator", "national_me"})
    aggregate = viewers | {"stakeholder"}
    found = frozenset({302})
    bad = frozenset({400})
    return {
        "returns:index": Route(ok=aggregate),
        "returns:review": Route(ok=viewers),
        "returns:completeness": Route(ok=aggregate),
        # Only the unit's own staff reach the unit's pages; everyone else gets 404.
        "returns:unit": Route(ok=frozenset({"nairobi_officer"}), hidden=EVERYONE - {"nairobi_officer"}, kwargs=_unit),
        "returns:open": Route(
            ok=frozenset({"nairobi_officer"}),
            hidden=EVERYONE - {"nairobi_officer"},
            kwargs=_unit,
            method="post",
            ok_status=found,
            data=lambda c: {"month": "2026-01"},
        ),
        "returns:detail": Route(ok=seen, hidden=hidden, kwargs=_r),
        # Preparing: the officer; the reviewers see the return but may not prepare it (403).
        "returns:save": Route(
            ok=frozenset({"nairobi_officer"}), hidden=hidden, kwargs=_draft_kwargs, method="post", ok_status=bad
        ),
        "returns:submit": Route(
            ok=frozenset({"nairobi_officer"}), hidden=hidden, kwargs=_draft_kwargs, method="post", ok_status=bad
        ),
        # Reviewing: the Nairobi coordinator and national M&E; the officer sees it but may not (403).
        "returns:approve": Route(ok=reviewers, hidden=hidden, kwargs=_r, method="post", ok_status=bad),
        "returns:send_back": Route(ok=reviewers, hidden=hidden, kwargs=_r, method="post", ok_status=bad),
        "returns:reopen": Route(ok=reviewers, hidden=hidden, kwargs=_r, method="post", ok_status=bad),
        "api:return-list": Route(ok=viewers, api=True),
        "api:return-detail": Route(ok=seen, hidden=hidden, kwargs=_r, api=True),
        "api:return-completeness": Route(ok=aggregate, api=True, ok_status=bad),
    }

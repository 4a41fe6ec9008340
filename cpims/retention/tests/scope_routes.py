"""Entries for tests/test_url_scope.py: every retention URL is for the system administrator
(retention.manage) only; everyone else gets 403 (retention is national: there is no record
outside someone's area to hide), anonymous users the login page."""

from __future__ import annotations

from typing import Any


def _rule(cast: Any) -> dict[str, Any]:
    from cpims.retention import defaults
    from cpims.retention.models import RetentionRule

    defaults.load()
    return {"public_id": RetentionRule.objects.get(kind="download").public_id}


def _hold(cast: Any) -> dict[str, Any]:
    from cpims.cases.tests.scope_routes import westlands_case
    from cpims.retention.models import LegalHold

    hold = LegalHold.objects.create(case=westlands_case(cast), reason="Scope test hold", placed_by=cast.admin)
    return {"public_id": hold.public_id}


def _run(cast: Any) -> dict[str, Any]:
    from cpims.retention.models import RetentionRun

    run = RetentionRun.objects.create(dry_run=True, status=RetentionRun.Status.DONE, started_by=cast.admin)
    return {"public_id": run.public_id}


def retention_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    admin = frozenset({"admin"})
    moved = frozenset({302})
    return {
        "retention:schedule": Route(ok=admin),
        "retention:rule_edit": Route(ok=admin, kwargs=_rule),
        "retention:holds": Route(ok=admin),
        "retention:hold_release": Route(ok=admin, kwargs=_hold, method="post", ok_status=moved),
        "retention:runs": Route(ok=admin),
        "retention:run_start": Route(ok=admin, method="post", data=lambda c: {"mode": "dry"}, ok_status=moved),
        "retention:run_detail": Route(ok=admin, kwargs=_run),
        "retention:run_review": Route(ok=admin, kwargs=_run, method="post", ok_status=moved),
        "api:retentionrule-list": Route(ok=admin, api=True),
        "api:retentionrule-detail": Route(ok=admin, api=True, kwargs=_rule),
        "api:legalhold-list": Route(ok=admin, api=True),
        "api:legalhold-detail": Route(ok=admin, api=True, kwargs=_hold),
        "api:legalhold-release": Route(ok=admin, api=True, kwargs=_hold, method="post"),
        "api:retentionrun-list": Route(ok=admin, api=True),
        "api:retentionrun-detail": Route(ok=admin, api=True, kwargs=_run),
    }

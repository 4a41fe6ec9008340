"""Entries for tests/test_url_scope.py (the URL-generated scope test), kept next to the intake app.

In tests/test_url_scope.py::

    from cpims.intake.tests.scope_routes import intake_routes
    ROUTES.update(intake_routes(Route, EVERYONE))

The public pages are open to everyone, anonymous included. Every staff URL about one report is
requested with a new (untriaged) public report about Westlands: the Nairobi officer and
coordinator may triage it; everyone else gets 404 (Turkana users, and roles without
intake.triage, for whom no report exists). The queue answers 403 to roles without
intake.triage; recording a concern is open to those who open cases or triage.
"""

from __future__ import annotations

from typing import Any


def westlands_report(cast: Any) -> Any:
    """A new public report about Westlands (made once per cast)."""
    existing = getattr(cast, "_intake_report", None)
    if existing is not None:
        return existing
    from cpims.intake.tests.conftest import make_report

    cast._intake_report = make_report()
    return cast._intake_report


def _report(cast: Any) -> dict[str, Any]:
    return {"public_id": westlands_report(cast).public_id}


def _replay(cast: Any) -> dict[str, Any]:
    """A refused replay of the Westlands report (made once per cast)."""
    report = westlands_report(cast)
    replay = report.replays.first() or report.replays.create(content={"what_happened": "-"}, fingerprint="scope")
    return {"public_id": report.public_id, "replay_id": replay.pk}


def _receipt(cast: Any) -> dict[str, Any]:
    from django.core import signing

    from cpims.intake.views import RECEIPT_SALT

    return {"token": signing.dumps("CP-TEST-0000", salt=RECEIPT_SALT)}


def intake_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    triagers = frozenset({"nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer"})
    reporters = triagers | {"partner"}
    nairobi = frozenset({"nairobi_coordinator", "nairobi_officer"})
    per_report = {"ok": nairobi, "hidden": everyone - nairobi, "kwargs": _report}
    return {
        "intake:public_report": Route(ok=everyone, public=True),
        "intake:public_received": Route(ok=everyone, public=True, kwargs=_receipt),
        "intake:queue": Route(ok=triagers),
        "intake:report_new": Route(ok=reporters),
        "intake:report_detail": Route(**per_report),
        "intake:report_open_case": Route(**per_report),
        "intake:report_link": Route(**per_report),
        "intake:report_dismiss": Route(**per_report),
        "intake:replay_reviewed": Route(
            ok=nairobi, hidden=everyone - nairobi, kwargs=_replay, method="post", ok_status=frozenset({302})
        ),
    }

"""Entries for tests/test_url_scope.py (the URL-generated scope test), kept next to the app.

In tests/test_url_scope.py::

    from cpims.referrals.tests.scope_routes import referrals_routes
    ROUTES.update(referrals_routes(Route, EVERYONE))

Every referral URL is requested with a referral of a Westlands case (owned by the Westlands office)
to the partner's NGO, sent with consent: the NGO (partner) answers it; the Nairobi officer and
coordinator and the national M&E officer see it but may not answer (403); Turkana users, the
stakeholder and the administrator get 404 (or 403 where the page needs a permission they lack
altogether). Transfer URLs use a pending transfer of another Westlands case to Turkana Central:
the Turkana Central officer answers it; the Turkana coordinator (not at the receiving office) and
the partner get 404.
"""

from __future__ import annotations

from typing import Any


def _referral(cast: Any) -> Any:
    existing = getattr(cast, "_referrals_referral", None)
    if existing is None:
        from cpims.cases.tests.conftest import open_case
        from cpims.referrals.tests.conftest import refer

        existing = refer(cast, open_case(cast.nairobi_officer, cast.westlands_office))
        cast._referrals_referral = existing
    return existing


def _transfer(cast: Any) -> Any:
    existing = getattr(cast, "_referrals_transfer", None)
    if existing is None:
        from cpims.cases.tests.conftest import make_child, open_case
        from cpims.referrals import actions

        child = make_child(cast.nairobi_officer, cast.westlands_office, first="Imani", last="Transfertest")
        case = open_case(cast.nairobi_officer, cast.westlands_office, child=child)
        existing = actions.transfer_request(
            actor=cast.nairobi_officer, case=case, to_office=cast.turkana_central_office, reason="Moved"
        )
        cast._referrals_transfer = existing
    return existing


def _case(cast: Any) -> dict[str, Any]:
    from cpims.cases.tests.conftest import open_case

    existing = getattr(cast, "_referrals_case", None)
    if existing is None:
        existing = cast._referrals_case = open_case(cast.nairobi_officer, cast.westlands_office)
    return {"case_id": existing.public_id}


def _r(cast: Any) -> dict[str, Any]:
    return {"public_id": _referral(cast).public_id}


def _t(cast: Any) -> dict[str, Any]:
    return {"public_id": _transfer(cast).public_id}


def referrals_routes(Route: Any, everyone: frozenset[str]) -> dict[str, Any]:
    receivers = frozenset(
        {"nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer", "partner"}
    )
    referrers = receivers  # the same five hold case.refer
    transferrers = frozenset({"nairobi_coordinator", "turkana_coordinator", "nairobi_officer", "turkana_officer"})
    nairobi_dcs = frozenset({"nairobi_coordinator", "nairobi_officer"})
    case_viewers = nairobi_dcs | {"national_me"}
    # Referral: seen by whoever sees the case, and by the receiving NGO.
    referral_seen = case_viewers | {"partner"}
    referral_hidden = everyone - referral_seen
    answer = {"ok": frozenset({"partner"}), "hidden": referral_hidden, "kwargs": _r}
    # Transfer: seen by whoever sees the case (the receiving office sees it while pending).
    transfer_seen = case_viewers | {"turkana_officer"}
    transfer_hidden = everyone - transfer_seen
    t_answer = {"ok": frozenset({"turkana_officer"}), "hidden": transfer_hidden, "kwargs": _t}
    found = frozenset({302})
    # The API refuses at the door (403) whoever lacks the endpoint's permissions altogether.
    no_case_view = frozenset({"admin", "stakeholder"})
    api_answer = {**answer, "hidden": referral_hidden - no_case_view}
    api_t_answer = {**t_answer, "hidden": transfer_hidden - no_case_view - {"partner"}}
    return {
        "referrals:inbox": Route(ok=receivers),
        "referrals:sent": Route(ok=referrers),
        "referrals:transfer_list": Route(ok=transferrers),
        # Creating: needs case.refer / case.transfer over a Westlands case.
        "referrals:create": Route(ok=nairobi_dcs, hidden=everyone - case_viewers, kwargs=_case),
        "referrals:transfer_create": Route(ok=nairobi_dcs, hidden=everyone - case_viewers, kwargs=_case),
        "referrals:detail": Route(ok=referral_seen, hidden=referral_hidden, kwargs=_r),
        "referrals:accept": Route(**answer, method="post", ok_status=found),
        "referrals:decline": Route(**answer),
        "referrals:service_add": Route(**answer),
        "referrals:complete": Route(**answer),
        "referrals:transfer_detail": Route(ok=transfer_seen, hidden=transfer_hidden, kwargs=_t),
        "referrals:transfer_accept": Route(**t_answer, method="post", ok_status=found),
        "referrals:transfer_decline": Route(**t_answer),
        # Withdrawing is the sending side's step: the receiver (partner / Turkana Central) gets 403.
        "referrals:withdraw": Route(ok=nairobi_dcs, hidden=referral_hidden, kwargs=_r),
        "referrals:transfer_withdraw": Route(ok=nairobi_dcs, hidden=transfer_hidden, kwargs=_t),
        "api:referral-list": Route(ok=everyone - {"admin", "stakeholder"}, api=True),
        "api:referral-detail": Route(ok=referral_seen, hidden=referral_hidden - no_case_view, kwargs=_r, api=True),
        "api:referral-accept": Route(**api_answer, method="post", api=True),
        "api:referral-decline": Route(**api_answer, method="post", api=True, data=lambda c: {"reason": "Full"}),
        # Not accepted yet: the receiver gets 400 (a refused answer), everyone else 403/404.
        "api:referral-complete": Route(
            **api_answer, method="post", api=True, data=lambda c: {"notes": "x"}, ok_status=frozenset({400})
        ),
        "api:referral-withdraw": Route(
            ok=nairobi_dcs,
            hidden=referral_hidden - no_case_view,
            kwargs=_r,
            method="post",
            api=True,
            data=lambda c: {"reason": "Sent to the wrong unit"},
        ),
        "api:transfer-withdraw": Route(
            ok=nairobi_dcs,
            hidden=transfer_hidden - no_case_view - {"partner"},
            kwargs=_t,
            method="post",
            api=True,
            data=lambda c: {"reason": "The family stayed"},
        ),
        "api:transfer-list": Route(ok=everyone - {"admin", "stakeholder"}, api=True),
        "api:transfer-detail": Route(ok=transfer_seen, hidden=transfer_hidden - no_case_view, kwargs=_t, api=True),
        "api:transfer-accept": Route(**api_t_answer, method="post", api=True),
        "api:transfer-decline": Route(**api_t_answer, method="post", api=True, data=lambda c: {"reason": "No"}),
    }

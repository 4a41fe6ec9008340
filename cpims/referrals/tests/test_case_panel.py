"""The case-page partial (referrals/_case_referrals.html) and its query."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from cpims.referrals import actions, queries


def test_panel_shows_status_and_actions(cast: Any, referral: Any) -> None:
    case = referral.case
    actions.transfer_request(
        actor=cast.nairobi_officer, case=case, to_office=cast.turkana_central_office, reason="Moved"
    )
    panel = queries.case_panel(cast.nairobi_officer, case)
    assert [r.pk for r in panel.items] == [referral.pk] and len(panel.transfers) == 1
    assert panel.can_refer and not panel.can_transfer  # a transfer awaits an answer: one at a time
    html = render_to_string("referrals/_case_referrals.html", {"case": case, "referrals": panel})
    assert "Test Children NGO" in html and "Awaiting an answer" in html and "Turkana Central" in html
    assert f"/referrals/new/{case.public_id}/" in html
    # Read-only national officer: sees the status, gets no buttons.
    panel = queries.case_panel(cast.national_me, case)
    assert not panel.can_refer and not panel.can_transfer
    html = render_to_string("referrals/_case_referrals.html", {"case": case, "referrals": panel})
    assert "/referrals/new/" not in html


def test_panel_query_count(cast: Any, referral: Any) -> None:
    user = cast.nairobi_officer
    queries.case_panel(user, referral.case)  # grants cached
    with CaptureQueriesContext(connection) as ctx:
        queries.case_panel(user, referral.case)
    assert len(ctx) <= 6


def test_panel_links_follow_each_rows_scope(cast: Any, referral: Any) -> None:
    """Which referrals and transfers the panel links equals, for every user, what the referral
    and transfer scope let that user open: a viewer of the case opens all of them without a
    per-row check; anyone else only those their own scope reaches."""
    case = referral.case
    actions.transfer_request(
        actor=cast.nairobi_officer, case=case, to_office=cast.turkana_central_office, reason="Moved"
    )
    for user in cast.users().values():
        panel = queries.case_panel(user, case)
        expected_referrals = set(queries.referrals_visible_to(user).filter(case=case).values_list("pk", flat=True))
        expected_transfers = set(queries.transfers_visible_to(user).filter(case=case).values_list("pk", flat=True))
        assert panel.open_referrals == expected_referrals, user.username
        assert panel.open_transfers == expected_transfers, user.username

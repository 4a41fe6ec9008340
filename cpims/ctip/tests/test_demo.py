"""The demo loader: one trafficked child with every CTiP form filled; a second run adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.ctip.models import Assistance, CtipTrack, FollowUp, Referral, Return, Tracing

pytestmark = pytest.mark.django_db


def test_demo_ctip_is_idempotent(settings: Any, tmp_path: Any, reference: None) -> None:
    from cpims.accounts.demo import load_demo_users
    from cpims.ctip.demo import load_demo_ctip

    settings.CPIMS_DEMO = True
    settings.VAR_DIR = tmp_path  # the demo credentials file goes here, not in the shared var/
    load_demo_users()
    assert load_demo_ctip() == 1
    assert load_demo_ctip() == 0
    track = CtipTrack.objects.get()
    assert track.stage == CtipTrack.Stage.REINTEGRATION and track.police_ob_number
    for model in (Assistance, Tracing, Return, FollowUp, Referral):
        assert model.objects.filter(track=track).exists(), model.__name__

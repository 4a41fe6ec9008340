"""The demo loader: idempotent, one remand over the limit and one committal about to expire."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_demo_justice(settings: Any, tmp_path: Any, reference: None) -> None:
    from cpims.accounts.demo import load_demo_users
    from cpims.accounts.models import User
    from cpims.justice import queries
    from cpims.justice.demo import load_demo_justice
    from cpims.justice.models import JusticeTrack

    settings.CPIMS_DEMO = True
    settings.VAR_DIR = tmp_path  # the demo credentials file goes here, not in the shared var/
    load_demo_users()
    assert load_demo_justice() == 2
    assert load_demo_justice() == 0
    committed = JusticeTrack.objects.get(disposition="committal_rehabilitation")
    assert committed.placement is not None and committed.placement.institution is not None
    assert committed.placement.institution.code == "DEMO-REHAB-KABETE"
    kinds = sorted(a.kind for a in queries.alerts_for(User.objects.get(username="demo.officer")))
    assert kinds == ["order", "remand"]

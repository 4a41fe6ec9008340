"""The demo registers: one open request and one open breach, loaded once."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_demo_has_one_open_request_and_one_breach(settings: Any, tmp_path: Any, reference: None) -> None:
    from cpims.accounts.demo import load_demo_users
    from cpims.cases.demo import load_demo_cases
    from cpims.privacy.demo import load_demo_privacy
    from cpims.privacy.models import Breach, SubjectRequest

    settings.CPIMS_DEMO = True
    settings.VAR_DIR = tmp_path  # the demo credentials file goes here, not in the shared var/
    assert load_demo_privacy() == 0  # nothing to do before the demo users and cases exist
    load_demo_users()
    load_demo_cases()
    assert load_demo_privacy() == 2
    assert SubjectRequest.objects.filter(status="open").count() == 1
    breach = Breach.objects.get()
    assert breach.status == "open" and breach.people.exists()
    assert load_demo_privacy() == 0

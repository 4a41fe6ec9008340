"""The demo checks: recorded through the registry action with invented answers (no IPRS needed),
one of each result, once."""

from __future__ import annotations

from typing import Any

import pytest

from cpims.registry.models import IdentifierVerification

pytestmark = pytest.mark.django_db


def test_demo_checks_are_recorded_once(reference: None, settings: Any, tmp_path: Any) -> None:
    from cpims.accounts.demo import load_demo_users
    from cpims.cases.demo import load_demo_cases
    from cpims.integrations.iprs.demo import load_demo_iprs

    settings.CPIMS_DEMO = True
    settings.VAR_DIR = tmp_path
    load_demo_users()
    load_demo_cases()
    assert load_demo_iprs() == 3
    assert load_demo_iprs() == 0
    statuses = sorted(IdentifierVerification.objects.values_list("status", flat=True))
    assert statuses == ["matched", "mismatch", "not_found"]
    mismatch = IdentifierVerification.objects.get(status="mismatch")
    assert [d["field"] for d in mismatch.differences] == ["date_of_birth"]

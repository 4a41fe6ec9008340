"""The demo loader (idempotent, several states, demo.institution manages the CCI) and the admit
lookup by CPIMS number."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.care.models import Institution, Placement
from cpims.care.tests.conftest import manager_of

pytestmark = pytest.mark.django_db


def test_demo_care_is_idempotent(settings: Any, tmp_path: Any, reference: None) -> None:
    from cpims.accounts.demo import load_demo_users
    from cpims.accounts.models import User
    from cpims.care import queries
    from cpims.care.demo import load_demo_care
    from cpims.cases.demo import load_demo_cases
    from cpims.geo.models import OrgUnit

    settings.CPIMS_DEMO = True
    settings.VAR_DIR = tmp_path  # the demo credentials file goes here, not in the shared var/
    load_demo_users()
    load_demo_cases()
    made = load_demo_care()
    assert made >= 5
    assert load_demo_care() == 0
    assert Institution.objects.filter(org_unit__code__in=["DEMO-CCI-WESTLANDS", "DEMO-RESCUE-LANGATA"]).count() == 2
    statuses = set(Placement.objects.values_list("status", flat=True))
    assert {"resident", "on_leave", "escaped", "transferred", "reintegrated"} <= statuses
    manager = User.objects.get(username="demo.institution")
    cci = OrgUnit.objects.get(code="DEMO-CCI-WESTLANDS")
    on_roll = Placement.objects.filter(institution=cci, ended_on__isnull=True).count()
    assert queries.population(manager, cci).total == on_roll
    alerts = queries.alerts(manager)
    assert alerts.expired and alerts.overdue_reviews and alerts.escaped
    # One child in foster care: family-based, never "children in institutional care".
    coordinator = User.objects.get(username="demo.coordinator")
    foster = Placement.objects.filter(care_type__code="AFFC", ended_on__isnull=True)
    assert foster.count() == 1
    assert queries.children_in_family_care(coordinator) >= 1
    institutional = Placement.objects.filter(ended_on__isnull=True, care_type__code__in=["AFIC", "AFPS"]).count()
    assert queries.children_in_care(coordinator) == institutional


def test_admit_lookup_by_number(cast: Any, client: Any, login: Any, child: Any, cci: Any) -> None:
    login(client, cast.nairobi_officer)
    url = reverse("care:admit_lookup")
    assert client.get(url).status_code == 200
    response = client.get(url, {"number": child.cpims_number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("care:placement_create", kwargs={"public_id": child.public_id})
    assert client.get(url, {"number": "CP-NOPE"}).status_code == 404
    # A child outside the user's records is not found either.
    login(client, cast.turkana_officer)
    assert client.get(url, {"number": child.cpims_number}).status_code == 404
    login(client, manager_of(cci))
    assert client.get(url, {"number": child.cpims_number}).status_code == 404

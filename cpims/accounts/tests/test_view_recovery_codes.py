"""accounts:recovery_codes — how many are left; make new ones (the old stop working)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from cpims.accounts.tests.conftest import events

pytestmark = pytest.mark.django_db
URL = reverse("accounts:recovery_codes")


def test_regenerate_replaces_the_codes(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    first = client.post(URL).context["codes"]
    second = client.post(URL).context["codes"]
    assert len(second) == 10 and not set(first) & set(second)
    stored = set(StaticToken.objects.filter(device__user=cast.nairobi_officer).values_list("token", flat=True))
    assert stored == set(second)
    assert len(events("user.recovery_codes_regenerated", actor=cast.nairobi_officer)) == 2


def test_page_shows_how_many_are_left(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    client.post(URL)
    response = client.get(URL)
    assert response.status_code == 200 and response.context["left"] == 10


def test_unverified_user_cannot_make_codes(
    client: Client, cast: Any, login_unverified: Any, confirmed_device: Any
) -> None:
    confirmed_device(cast.stakeholder)
    login_unverified(client, cast.stakeholder)
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:2fa_verify"))
    assert not StaticToken.objects.filter(device__user=cast.stakeholder).exists()
    assert not events("user.recovery_codes_regenerated")

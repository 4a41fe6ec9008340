"""court:order_create — add an order to a session."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.court.models import CourtOrder
from cpims.court.tests.conftest import order_type

pytestmark = pytest.mark.django_db


def url(session: Any) -> str:
    return reverse("court:order_create", kwargs={"public_id": session.public_id})


def test_officer_adds_an_order(client: Any, cast: Any, session: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, url(session)) == 200
    data = {"order_type": order_type().pk, "made_on": session.held_on.isoformat(), "period_months": 12}
    assert client.post(url(session), data).status_code == 302
    order = CourtOrder.objects.get()
    assert order.session == session and order.expires_on is not None
    page = client.get(reverse("court:case_court", kwargs={"public_id": session.case.public_id}))
    assert "Supervision order" in page.content.decode()


def test_expiry_before_order_is_400(client: Any, login: Any, cast: Any, session: Any) -> None:
    login(client, cast.nairobi_officer)
    data = {"order_type": order_type().pk, "made_on": session.held_on.isoformat(), "expires_on": "2000-01-01"}
    response = client.post(url(session), data)
    assert (
        response.status_code == 400
        and "An order cannot expire before the date it was made." in response.content.decode()
    )
    assert not CourtOrder.objects.exists()


@pytest.mark.parametrize(("user", "status"), [("turkana_officer", 404), ("stakeholder", 404), ("national_me", 403)])
def test_scope(client: Any, login: Any, cast: Any, session: Any, user: str, status: int) -> None:
    login(client, getattr(cast, user))
    data = {"order_type": order_type().pk, "made_on": session.held_on.isoformat()}
    assert client.post(url(session), data).status_code == status
    assert not CourtOrder.objects.exists()

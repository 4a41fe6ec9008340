"""court:summons_create and court:summons_honoured — issue a summons and record whether it was
honoured."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.court.actions import summons_issue
from cpims.court.models import Summons
from cpims.court.tests.conftest import days

pytestmark = pytest.mark.django_db


def create_url(case: Any) -> str:
    return reverse("court:summons_create", kwargs={"public_id": case.public_id})


def honoured_url(summons: Any) -> str:
    return reverse("court:summons_honoured", kwargs={"public_id": summons.public_id})


@pytest.fixture
def summons(cast: Any, westlands_case: Any) -> Summons:
    return summons_issue(
        actor=cast.nairobi_officer, case=westlands_case, person_role="Mother", issued_on=days(-5), due_on=days(-1)
    )


def test_issue_a_summons(client: Any, cast: Any, westlands_case: Any, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, create_url(westlands_case)) == 200
    data = {"person_role": "Guardian", "person_name": "Akinyi Testguardian", "issued_on": days(0), "due_on": days(7)}
    assert client.post(create_url(westlands_case), data).status_code == 302
    assert Summons.objects.get().person_role == "Guardian"


def test_due_before_issue_is_400(client: Any, login: Any, cast: Any, westlands_case: Any) -> None:
    login(client, cast.nairobi_officer)
    data = {"person_role": "Guardian", "issued_on": days(0), "due_on": days(-3)}
    response = client.post(create_url(westlands_case), data)
    assert response.status_code == 400 and not Summons.objects.exists()


def test_mark_honoured(client: Any, cast: Any, summons: Summons, status_as: Any) -> None:
    assert status_as(cast.nairobi_officer, honoured_url(summons)) == 200
    assert client.post(honoured_url(summons), {"honoured": "yes", "honoured_on": days(-1)}).status_code == 302
    summons.refresh_from_db()
    assert summons.status == Summons.Status.HONOURED and summons.honoured_on == days(-1)


def test_mark_not_honoured(cast: Any, summons: Summons, status_as: Any) -> None:
    assert status_as(cast.nairobi_coordinator, honoured_url(summons), post={"honoured": "no"}) == 302
    summons.refresh_from_db()
    assert summons.status == Summons.Status.NOT_HONOURED


def test_honoured_in_future_is_400(client: Any, login: Any, cast: Any, summons: Summons) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(honoured_url(summons), {"honoured": "yes", "honoured_on": days(2)})
    assert response.status_code == 400
    summons.refresh_from_db()
    assert summons.status == Summons.Status.PENDING


@pytest.mark.parametrize(("user", "status"), [("turkana_officer", 404), ("partner", 404), ("national_me", 403)])
def test_scope(
    client: Any, login: Any, cast: Any, westlands_case: Any, summons: Summons, user: str, status: int
) -> None:
    login(client, getattr(cast, user))
    data = {"person_role": "Guardian", "issued_on": days(0), "due_on": days(7)}
    assert client.post(create_url(westlands_case), data).status_code == status
    assert client.post(honoured_url(summons), {"honoured": "yes"}).status_code == status
    assert Summons.objects.count() == 1 and Summons.objects.get().status == Summons.Status.PENDING

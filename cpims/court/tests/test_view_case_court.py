"""court:case_court — the court records of a case (and the _case_court.html partial)."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cpims.court.actions import court_order_add, summons_issue
from cpims.court.queries import case_court
from cpims.court.tests.conftest import days, order_type

pytestmark = pytest.mark.django_db


def url(case: Any) -> str:
    return reverse("court:case_court", kwargs={"public_id": case.public_id})


def test_officer_sees_sessions_orders_and_summons(client: Any, login: Any, cast: Any, session: Any) -> None:
    court_order_add(actor=cast.nairobi_officer, session=session, order_type=order_type())
    summons_issue(
        actor=cast.nairobi_officer, case=session.case, person_role="Father", issued_on=days(0), due_on=days(3)
    )
    login(client, cast.nairobi_officer)
    body = client.get(url(session.case)).content.decode()
    assert "Supervision order" in body and "Father" in body and "Adjournment" in body
    assert reverse("court:session_edit", kwargs={"public_id": session.public_id}) in body


def test_read_only_sees_no_buttons(client: Any, login: Any, cast: Any, session: Any) -> None:
    login(client, cast.national_me)
    body = client.get(url(session.case)).content.decode()
    assert "Adjournment" in body
    assert reverse("court:session_create", kwargs={"public_id": session.case.public_id}) not in body


@pytest.mark.parametrize("user", ["turkana_officer", "partner", "stakeholder", "admin"])
def test_outsiders_get_404(cast: Any, session: Any, user: str, status_as: Any) -> None:
    assert status_as(getattr(cast, user), url(session.case)) == 404


def test_partial_for_the_case_page(rf: Any, cast: Any, session: Any, django_assert_max_num_queries: Any) -> None:
    court = case_court(cast.nairobi_officer, session.case)
    with django_assert_max_num_queries(0):
        html = render_to_string(
            "court/_case_court.html",
            {"case": session.case, "sessions": court.sessions, "summonses": court.summonses, "court_can_update": True},
        )
    assert 'id="court"' in html and "Adjournment" in html

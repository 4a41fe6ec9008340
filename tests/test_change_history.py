"""Change history covers cases, case categories, placements, court orders, referrals and
transfers, and every history row names the acting user: the signed-in user in a request
(HistoryRequestMiddleware), the user named with ``acting_as`` elsewhere (a task, a command)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import RequestFactory
from simple_history.middleware import HistoryRequestMiddleware

from cpims.care.models import Placement
from cpims.cases.models import Case, CaseCategory
from cpims.cases.tests.conftest import make_child, open_case
from cpims.core.history import acting_as
from cpims.court.models import CourtOrder
from cpims.referrals.models import Referral, Transfer

pytestmark = pytest.mark.django_db


def in_request(user: Any, work: Callable[[], Any]) -> Any:
    """Run ``work`` as a view would: inside a request signed in as ``user``."""
    request = RequestFactory().post("/")
    request.user = user
    return HistoryRequestMiddleware(lambda _request: work())(request)


def _authors(model: Any) -> set[Any]:
    return {row.history_user for row in model.history.all()}


@pytest.mark.parametrize("model", [Case, CaseCategory, Placement, CourtOrder, Referral, Transfer])
def test_these_records_keep_a_change_history(model: Any) -> None:
    assert hasattr(model, "history")
    assert "updated_at" not in {f.name for f in model.history.model._meta.fields}  # no row per touch


def test_every_history_row_of_a_request_names_the_signed_in_user(cast: Any) -> None:
    from cpims.care.tests.conftest import admit, westlands_cci
    from cpims.court.tests.conftest import order_type, record_session
    from cpims.referrals import actions as referrals
    from cpims.referrals.tests.conftest import refer

    officer = cast.nairobi_officer
    case = in_request(officer, lambda: open_case(officer, cast.westlands_office))
    in_request(officer, lambda: refer(cast, case))
    in_request(
        officer,
        lambda: referrals.transfer_request(
            actor=officer, case=case, to_office=cast.turkana_central_office, reason="The family moved."
        ),
    )

    from cpims.court.actions import court_order_add

    session = in_request(officer, lambda: record_session(officer, case))
    in_request(officer, lambda: court_order_add(actor=officer, session=session, order_type=order_type()))

    cci = westlands_cci(cast)
    in_request(officer, lambda: admit(officer, case.child, cci))

    for model in (Case, CaseCategory, Referral, Transfer, CourtOrder, Placement):
        assert model.history.exists(), model
        assert _authors(model) == {officer}, model


def test_outside_a_request_acting_as_names_the_user(cast: Any) -> None:
    officer = cast.nairobi_officer
    child = make_child(officer, cast.westlands_office)
    with acting_as(officer):
        case = open_case(officer, cast.westlands_office, child=child)
    assert _authors(Case) == {officer} and _authors(CaseCategory) == {officer}
    # A change outside both (a scheduled job working for nobody) names nobody, honestly.
    Case.objects.get(pk=case.pk).save()
    assert case.history.latest().history_user is None


def test_an_anonymous_user_is_never_recorded(cast: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    with acting_as(AnonymousUser()):
        open_case(cast.nairobi_officer, cast.westlands_office)
    assert _authors(Case) == {None}

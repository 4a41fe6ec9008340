from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpims.audit.models import AuditEvent
from cpims.audit.queries import events_visible_to, page_of, search_events, who_saw
from cpims.audit.tests.factories import make_event, nairobi

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["admin", "national_me"])
def test_audit_readers_see_every_event(cast, who):
    event = make_event(actor=cast.turkana_officer, action="case.view")
    assert event in events_visible_to(getattr(cast, who))


@pytest.mark.parametrize("who", ["nairobi_officer", "turkana_officer", "nairobi_coordinator", "partner", "stakeholder"])
def test_others_are_refused(cast, who):
    with pytest.raises(PermissionDenied):
        events_visible_to(getattr(cast, who))


def test_anonymous_is_refused(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        search_events(AnonymousUser())


def test_filter_by_user(cast):
    mine = make_event(actor=cast.nairobi_officer)
    make_event(actor=cast.turkana_officer)
    failed = make_event(actor_username="nairobi_officer", action="auth.login", outcome="failure")
    found = list(search_events(cast.admin, username="nairobi_officer"))
    assert found == [failed, mine]


def test_filter_by_action_and_outcome(cast):
    login_ok = make_event(actor=cast.nairobi_officer, action="auth.login")
    login_failed = make_event(actor_username="someone", action="auth.login", outcome="failure")
    make_event(actor=cast.nairobi_officer, action="case.view")
    assert set(search_events(cast.admin, action="auth.login")) == {login_ok, login_failed}
    assert list(search_events(cast.admin, action="auth.login", outcome="failure")) == [login_failed]


def test_filter_by_object(cast):
    target = make_event(actor=cast.admin, object_type="accounts.user", object_id="abc-1")
    make_event(actor=cast.admin, object_type="accounts.user", object_id="abc-2")
    make_event(actor=cast.admin, object_type="geo.orgunit", object_id="abc-1")
    assert list(search_events(cast.admin, object_type="accounts.user", object_id="abc-1")) == [target]
    assert search_events(cast.admin, object_type="accounts.user").count() == 2


def test_dates_are_kenyan_calendar_days(cast):
    # 23:59:59 in Nairobi is 20:59:59 UTC on the same day; 00:00 in Nairobi is 21:00 UTC the day before.
    last_second_of_1st = make_event(at=nairobi(2025, 3, 1, 23, 59, 59))
    first_second_of_2nd = make_event(at=nairobi(2025, 3, 2, 0, 0, 0))
    last_second_of_2nd = make_event(at=nairobi(2025, 3, 2, 23, 59, 59))
    first_second_of_3rd = make_event(at=nairobi(2025, 3, 3, 0, 0, 0))
    assert first_second_of_2nd.at.astimezone(dt.UTC).date() == dt.date(2025, 3, 1)

    def found(**dates):
        return set(search_events(cast.admin, **dates))

    day_1, day_2, day_3 = dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 3, 3)
    assert found(date_to=day_1) == {last_second_of_1st}
    assert found(date_from=day_2, date_to=day_2) == {first_second_of_2nd, last_second_of_2nd}
    assert found(date_from=day_3) == {first_second_of_3rd}
    assert found(date_from=day_1, date_to=day_3) == {
        last_second_of_1st,
        first_second_of_2nd,
        last_second_of_2nd,
        first_second_of_3rd,
    }


def test_newest_first(cast):
    old = make_event(at=nairobi(2025, 1, 1, 8, 0))
    new = make_event(at=nairobi(2025, 1, 2, 8, 0))
    assert list(search_events(cast.admin)) == [new, old]


def test_who_saw_lists_successful_events_on_the_object(cast):
    seen = make_event(actor=cast.nairobi_officer, action="child.view", object_type="registry.person", object_id="p-1")
    make_event(
        actor=cast.turkana_officer,
        action="child.view",
        object_type="registry.person",
        object_id="p-1",
        outcome="denied",
    )
    make_event(actor=cast.nairobi_officer, action="child.view", object_type="registry.person", object_id="p-2")
    assert list(who_saw("registry.person", "p-1")) == [seen]


def test_one_query_for_events_and_their_actors(cast):
    for user in cast.users().values():
        make_event(actor=user)
    events = search_events(cast.admin)
    with CaptureQueriesContext(connection) as ctx:
        names = [e.actor.username for e in events if e.actor]
    assert len(names) == len(cast.users())
    assert len(ctx.captured_queries) == 1


def test_page_of_reads_one_row_more_and_no_count(cast):
    for _ in range(5):
        make_event()
    events = search_events(cast.admin)
    with CaptureQueriesContext(connection) as ctx:
        first = page_of(events, 1, per_page=2)
    assert len(ctx.captured_queries) == 1
    assert len(first.items) == 2 and first.has_next and not first.has_previous
    last = page_of(events, 3, per_page=2)
    assert len(last.items) == 1 and not last.has_next and last.has_previous
    assert page_of(events, 0, per_page=2).number == 1


def test_event_outcomes_are_the_documented_ones():
    assert set(AuditEvent.Outcome.values) == {"success", "failure", "denied"}

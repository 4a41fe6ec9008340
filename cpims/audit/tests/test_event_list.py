from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.audit.tests.factories import make_event, nairobi

pytestmark = pytest.mark.django_db

URL = reverse("audit:event_list")


def searches():
    return AuditEvent.objects.filter(action="audit.search", outcome="success")


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("who", ["admin", "national_me"])
def test_audit_readers_see_the_log(client, login, cast, who):
    make_event(actor=cast.turkana_officer, action="case.view", object_type="cases.case", object_id="c-1")
    response = login(client, getattr(cast, who)).get(URL)
    assert response.status_code == 200
    assert b"turkana_officer" in response.content
    assert b"case.view" in response.content


@pytest.mark.parametrize("who", ["nairobi_officer", "stakeholder", "partner", "nairobi_coordinator"])
def test_others_get_403_and_the_attempt_is_recorded(client, login, cast, who):
    user = getattr(cast, who)
    response = login(client, user).get(URL)
    assert response.status_code == 403
    denied = AuditEvent.objects.get(action="audit.search", outcome="denied")
    assert denied.actor == user
    assert not searches().exists()


def test_filters_narrow_the_list(client, login, cast):
    make_event(actor=cast.nairobi_officer, action="case.view", object_type="cases.case", object_id="c-1")
    make_event(actor=cast.turkana_officer, action="case.print", object_type="cases.case", object_id="c-2")
    login(client, cast.admin)
    page = client.get(URL, {"username": "turkana_officer"}).context["page"]
    assert [e.action for e in page.items if e.action != "audit.search"] == ["case.print"]
    page = client.get(URL, {"object_type": "cases.case", "object_id": "c-1"}).context["page"]
    assert [e.actor_username for e in page.items] == ["nairobi_officer"]
    page = client.get(URL, {"action": "case.view"}).context["page"]
    assert [e.object_id for e in page.items] == ["c-1"]


def test_date_filters_use_kenya_days(client, login, cast):
    make_event(at=nairobi(2025, 6, 30, 23, 59, 59), action="late.on.30th")
    make_event(at=nairobi(2025, 7, 1, 0, 0, 0), action="early.on.1st")
    login(client, cast.admin)
    page = client.get(URL, {"date_from": "2025-07-01", "date_to": "2025-07-01"}).context["page"]
    assert [e.action for e in page.items] == ["early.on.1st"]
    page = client.get(URL, {"date_to": "2025-06-30"}).context["page"]
    assert [e.action for e in page.items] == ["late.on.30th"]


def test_the_search_is_audited_with_its_filters(client, login, cast):
    login(client, cast.national_me).get(
        URL, {"username": "nairobi_officer", "action": "case.view", "date_from": "2025-07-01", "page": "2"}
    )
    event = searches().get()
    assert event.actor == cast.national_me
    assert event.details == {
        "via": "web",
        "page": 2,
        "filters": {"user": str(cast.nairobi_officer.public_id), "action": "case.view", "date_from": "2025-07-01"},
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2025-07-02", "date_to": "2025-07-01"}, "date_to", "The end date must be on or after"),
        ({"date_from": "1/7/2025"}, "date_from", "Enter a date as year-month-day"),
        ({"object_id": "c-1"}, "object_type", "Give the object type too"),
        ({"action": "case view; drop"}, "action", "Use only letters, digits"),
        ({"outcome": "maybe"}, "outcome", "Select a valid choice"),
    ],
)
def test_bad_filters_explain_themselves_and_show_nothing(client, login, cast, params, field, message):
    make_event(action="case.view")
    response = login(client, cast.admin).get(URL, params)
    assert response.status_code == 200
    assert response.context["page"] is None
    assert message in " ".join(response.context["form"].errors[field])
    assert message.encode() in response.content
    assert not searches().exists()


def test_pages_of_fifty(client, login, cast):
    for i in range(60):
        make_event(action=f"bulk.{i:02d}", object_type="test.bulk")
    login(client, cast.admin)
    page_1 = client.get(URL, {"object_type": "test.bulk"}).context["page"]
    assert len(page_1.items) == 50 and page_1.has_next and not page_1.has_previous
    assert page_1.items[0].action == "bulk.59"
    response = client.get(URL, {"object_type": "test.bulk", "page": "2"})
    page_2 = response.context["page"]
    assert len(page_2.items) == 10 and not page_2.has_next and page_2.has_previous
    assert page_2.items[-1].action == "bulk.00"
    assert b"object_type=test.bulk&amp;page=1" in response.content
    assert client.get(URL, {"page": "nonsense"}).context["page"].number == 1


def test_query_count_does_not_grow_with_the_rows(client, login, cast):
    login(client, cast.admin)
    for user in list(cast.users().values())[:2]:
        make_event(actor=user)
    client.get(URL)  # warm up (session, grants)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for user in cast.users().values():
        for _ in range(5):
            make_event(actor=user, object_type="accounts.user", object_id=str(user.public_id))
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["page"].items) > 42
    assert len(many.captured_queries) == len(few.captured_queries)


def test_page_is_translated_into_kiswahili(client, login, cast):
    response = login(client, cast.admin).get(URL, HTTP_ACCEPT_LANGUAGE="sw")
    assert response.status_code == 200
    assert b'<h1 class="h3 mb-0">Kumbukumbu ya ukaguzi</h1>' in response.content
    assert b"Onyesha matukio" in response.content


def test_actions_show_their_label_in_the_readers_language(client, login, cast):
    make_event(actor=cast.turkana_officer, action="case.view", object_type="cases.case", object_id="c-1")
    make_event(actor=cast.turkana_officer, action="case.referral_sent", object_type="cases.case", object_id="c-1")
    make_event(actor=cast.turkana_officer, action="something.unlabelled")
    client = login(client, cast.admin)
    sw = client.get(URL, HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    # The labels come from the apps (cases, referrals) and the audit app's own (the search itself).
    assert "Alifungua kesi" in sw and "Alipeleka kesi kwa rufaa" in sw and "Alitafuta kumbukumbu za ukaguzi" in sw
    assert "<code>case.view</code>" in sw  # the code stays, for filtering
    assert "<code>something.unlabelled</code>" in sw  # no label: the code alone
    en = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Opened a case" in en and "Referred a case" in en

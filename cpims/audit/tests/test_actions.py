from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from cpims.audit import actions
from cpims.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_record_names_the_object_by_public_id(cast):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10")
    event = actions.audit_record(actor=cast.admin, action="user.view", obj=cast.nairobi_officer, request=request)
    assert event.actor == cast.admin
    assert event.actor_username == "admin_user"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(cast.nairobi_officer.public_id)
    assert event.ip == "192.0.2.10"


def test_audit_record_ignores_forwarded_for(cast):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert actions.audit_record(actor=cast.admin, action="x.y", request=request).ip == "192.0.2.10"


def test_anonymous_event_keeps_the_typed_name_only(db):
    event = actions.audit_record(
        actor=AnonymousUser(), action="auth.login", outcome="failure", actor_username="no_such_user"
    )
    assert event.actor is None
    assert event.actor_username == "no_such_user"


def test_search_record_keeps_ids_and_codes_not_typed_names(cast):
    filters = {
        "username": "nairobi_officer",
        "action": "case.view",
        "date_from": dt.date(2025, 7, 1),
        "date_to": dt.date(2025, 7, 31),
    }
    event = actions.audit_search_record(actor=cast.admin, filters=filters, page=2)
    assert event.action == "audit.search"
    assert event.details == {
        "via": "web",
        "page": 2,
        "filters": {
            "user": str(cast.nairobi_officer.public_id),
            "action": "case.view",
            "date_from": "2025-07-01",
            "date_to": "2025-07-31",
        },
    }


def test_search_record_does_not_keep_an_unmatched_name(cast):
    # A failed login may have put a password in the user-name field; a search for it must not copy it.
    event = actions.audit_search_record(actor=cast.admin, filters={"username": "Secret-Typed-In-Wrong-Box"})
    assert event.details["filters"] == {"user": "unmatched"}
    assert "Secret" not in str(event.details)


def test_export_record(cast):
    event = actions.audit_export_record(actor=cast.national_me, filters={"outcome": "denied"}, rows=7)
    assert event.action == "audit.export"
    assert event.details == {"format": "csv", "rows": 7, "filters": {"outcome": "denied"}}


def test_denied_record(cast):
    event = actions.audit_denied_record(actor=cast.stakeholder, action=actions.SEARCH)
    assert (event.action, event.outcome, event.actor) == ("audit.search", AuditEvent.Outcome.DENIED, cast.stakeholder)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # Not behind a trusted proxy: the connection's address, whatever the headers say.
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),
        # Behind our proxy: the rightmost address the proxy saw.
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        # A client-written X-Forwarded-For is on the left and is ignored.
        ("127.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        # Two of our proxies in a row (load balancer network 10.0.0.0/8, then nginx).
        ("127.0.0.1", "203.0.113.9, 10.1.2.3", "203.0.113.9"),
        # Garbage is never stored: fall back to the proxy's own address.
        ("127.0.0.1", "not-an-ip", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("", "203.0.113.9", None),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_behind_trusted_proxies(settings, remote, forwarded, expected):
    settings.CPIMS_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert actions.client_ip(request) == expected


def test_client_ip_never_stores_garbage(db, settings):
    settings.CPIMS_TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="unix:/run/gunicorn.sock")
    event = actions.audit_record(actor=None, action="x.y", request=request)
    assert event.ip is None

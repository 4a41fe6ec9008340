"""Journey: the offline field app (PWA) in Debian's chromium, on a phone (390 px) and a desk
(1366 px) screen.

An officer signs in, sets an offline PIN (which registers the phone), syncs down her caseload,
goes offline (Chromium's offline mode), registers a child with a caregiver, records a service and
a follow-up visit, reloads while offline (the app opens from the service worker's cache; she
unlocks with her PIN and her records are still there; the raw IndexedDB store holds no name in
plain text), goes online and syncs; the duplicate and conflict screens let her choose; sign-out
wipes the store.

Two tests:

- ``test_offline_app_against_the_contract`` drives the app against a stand-in for
  /api/v1/offline/ that answers as the sync contract says (docs/offline.md), routed in the
  browser, so the client is proved on its own (duplicate and conflict answers included);
- ``test_offline_journey_with_the_server`` drives the same journey against the real API (the
  server part of issue 17) and checks the records on the server under the officer's name.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import make_user
from cpims.accounts import roles as R
from tests.browser.signin import sign_in
from tests.browser.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-offline-passphrase-2026"
PIN = "246810"
SCREENS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
# Synthetic names (no real person), searched for in the raw store afterwards.
SYNCED_CHILD = ("Baraka", "Synthtest")
NEW_CHILD = ("Neema", "Offlinetest")
CAREGIVER = ("Amina", "Offlinetest")

# What the raw store holds, as text: keys, and every value's bytes (the encrypted ones included).
READ_RAW_STORE = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open("cpims-offline");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const read = (name) => new Promise((ok) => {
    const s = db.transaction(name).objectStore(name);
    const keys = s.getAllKeys();
    const values = s.getAll();
    values.onsuccess = () => ok({ keys: keys.result, values: values.result });
  });
  const text = (v) => {
    if (v instanceof ArrayBuffer) v = new Uint8Array(v);
    if (ArrayBuffer.isView(v)) {
      const b = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      return Array.from(b, (c) => String.fromCharCode(c)).join("");
    }
    if (v && typeof v === "object") return Object.entries(v).map(([k, x]) => k + "=" + text(x)).join(";");
    return String(v);
  };
  const records = await read("records");
  const meta = await read("meta");
  db.close();
  return {
    count: records.values.length,
    encrypted: records.values.every((v) => v.ct && v.iv && v.iv.byteLength === 12 && Object.keys(v).length === 3),
    text: [...records.keys, ...records.values.map(text), ...meta.keys, ...meta.values.map(text)].join("|"),
  };
}"""


def _user(username: str, role: str, unit: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(username, role, unit)
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture(params=sorted(SCREENS))
def context(request: Any, browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=SCREENS[request.param], locale="en-GB")
    # Generous for a loaded 2-core machine: 310,000 PBKDF2 rounds per unlock, a service worker
    # installing, the live server sharing the cores; every wait still ends when the user sees it.
    context.set_default_timeout(45_000)
    yield context
    context.close()


def _sign_in(page: Any, base: str, user: Any) -> None:

    sign_in(page, base, user, PASSWORD)


def _fill_form(page: Any, values: dict[str, str]) -> None:
    """Fill the form the app built from GET /api/v1/offline/forms/: the given values by field
    name, and any other required field with something valid."""
    page.locator("#form-fields [data-field]").first.wait_for()
    for field in page.locator("#form-fields input, #form-fields select, #form-fields textarea").all():
        name = field.get_attribute("name") or ""
        tag = field.evaluate("e => e.tagName.toLowerCase()")
        kind = field.get_attribute("type") or ""
        value = values.get(name)
        if value is None and field.get_attribute("required") is None:
            continue
        if tag == "select":
            if value is None:
                first = 1 if field.get_attribute("multiple") is None else 0  # skip "Choose…"
                value = field.locator("option").nth(first).get_attribute("value")
            field.select_option(value=value)
        elif kind == "checkbox":
            field.check()
        elif kind == "date":
            field.fill(value or (dt.date.today() - dt.timedelta(days=1)).isoformat())
        elif kind == "number":
            field.fill(value or "1")
        else:
            field.fill(value or "Synthetic note")


def _set_pin_and_sync(page: Any, base: str) -> None:
    page.goto(f"{base}/offline/")
    page.get_by_role("heading", name="Set an offline PIN").wait_for()
    # A short PIN is refused before anything is registered.
    page.fill("#pin-new", "123")
    page.fill("#pin-again", "123")
    page.get_by_role("button", name="Set PIN and register this phone").click()
    page.get_by_text("The PIN must have at least 6 digits.").wait_for()
    page.fill("#pin-new", PIN)
    page.fill("#pin-again", PIN)
    page.get_by_role("button", name="Set PIN and register this phone").click()
    page.get_by_text("Sync finished.").wait_for()
    # The service worker controls the page once it has kept the shell.
    wait_until(page, "navigator.serviceWorker.controller !== null")


def _record_offline(page: Any, context: Any) -> None:
    """Offline: register a child with a caregiver, record a service and a follow-up, reload."""
    context.set_offline(True)
    page.locator("#net-status", has_text="Offline").wait_for()

    page.locator("#tabs").get_by_role("link", name="Register a child").click()
    page.get_by_role("heading", name="Register a child").wait_for()
    # Validation offline, with the server's rules: an empty form names the required fields.
    page.get_by_role("button", name="Save on this phone").click()
    page.locator("#view-form .invalid-feedback", has_text="This field is required.").first.wait_for()
    _fill_form(
        page,
        {
            "first_name": NEW_CHILD[0],
            "surname": NEW_CHILD[1],
            "last_name": NEW_CHILD[1],
            "relatives.first_name": CAREGIVER[0],
            "relatives.last_name": CAREGIVER[1],
            "relatives.relationship": "mother",
            "relatives.sex": "female",
            "caregiver.first_name": CAREGIVER[0],
            "caregiver.surname": CAREGIVER[1],
            "caregivers.first_name": CAREGIVER[0],
            "caregivers.surname": CAREGIVER[1],
            "child.first_name": NEW_CHILD[0],
            "child.surname": NEW_CHILD[1],
        },
    )
    page.get_by_role("button", name="Save on this phone").click()
    page.get_by_text("Saved on this phone.").wait_for()

    page.fill("#case-search", SYNCED_CHILD[0])
    row = page.locator("#case-list li", has_text=SYNCED_CHILD[0])
    row.get_by_role("link", name="Service").click()
    page.get_by_role("heading", name="Record a service").wait_for()
    _fill_form(page, {})
    page.get_by_role("button", name="Save on this phone").click()
    page.get_by_text("Saved on this phone.").wait_for()

    page.fill("#case-search", SYNCED_CHILD[0])
    page.locator("#case-list li", has_text=SYNCED_CHILD[0]).get_by_role("link", name="Follow-up").click()
    page.get_by_role("heading", name="Record a follow-up visit").wait_for()
    _fill_form(page, {})
    page.get_by_role("button", name="Save on this phone").click()
    page.get_by_text("Saved on this phone.").wait_for()
    page.locator("#queue-count", has_text="Waiting to send: 3").wait_for()

    # Reload with no connection: the shell comes from the service worker; the store needs the PIN.
    page.reload()
    page.get_by_role("heading", name="Unlock with your PIN").wait_for()
    page.fill("#pin-unlock", "000000")
    page.get_by_role("button", name="Unlock").click()
    page.get_by_text("Wrong PIN. Tries left: 4").wait_for()
    page.fill("#pin-unlock", PIN)
    page.get_by_role("button", name="Unlock").click()
    page.get_by_role("heading", name="My caseload").wait_for()
    page.locator("#case-list li", has_text=SYNCED_CHILD[0]).wait_for()
    page.locator("#case-list li", has_text=NEW_CHILD[0]).get_by_text("Not yet sent").wait_for()

    # The raw store: every record encrypted (fresh 12-byte IV), no name in plain text anywhere.
    raw = page.evaluate(READ_RAW_STORE)
    assert raw["count"] >= 5 and raw["encrypted"]
    for name in (*SYNCED_CHILD, *NEW_CHILD, *CAREGIVER):
        assert name not in raw["text"]
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("caches.keys()") and all(
        not url.startswith("/api/")
        for url in page.evaluate(
            "caches.keys().then(ns => Promise.all(ns.map(n => caches.open(n).then(c => c.keys()))))"
            ".then(ls => ls.flat().map(r => new URL(r.url).pathname))"
        )
    )


def _sign_out_wipes(page: Any) -> None:
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("#nav-signout").click()
    page.locator("#id_username").wait_for()
    wait_until(page, "indexedDB.databases().then(ds => !ds.some(d => d.name === 'cpims-offline'))")


# --- The client against the contract ---------------------------------------------------------


class ContractStandIn:
    """Answers /api/v1/offline/ in the browser as the contract says: one case of the officer's;
    the new child first answers "duplicate", the follow-up "conflict", until the officer chooses."""

    def __init__(self) -> None:
        self.offline = False
        self.case_id = str(uuid.uuid4())
        self.child_id = str(uuid.uuid4())
        self.device_id = str(uuid.uuid4())
        self.posted: list[list[dict[str, Any]]] = []
        self.applied: dict[str, str] = {}
        self.revoked = False

    def forms(self) -> dict[str, Any]:
        text = {"type": "string", "maxLength": 100}
        date = {"type": "string", "format": "date"}
        return {
            "kinds": {
                "child_register": {
                    "type": "object",
                    "required": ["first_name", "surname", "sex", "date_of_birth"],
                    "properties": {
                        "first_name": text,
                        "surname": text,
                        "sex": {"type": "string", "enum": ["female", "male", "intersex"]},
                        "date_of_birth": {**date, "past_only": True},
                        "caregiver": {
                            "type": "object",
                            "required": ["first_name", "surname"],
                            "properties": {"first_name": text, "surname": text, "relationship": text},
                        },
                    },
                },
                "intake": {"required": ["summary"], "properties": {"summary": {"type": "string"}}},
                "service": {
                    "required": ["intervention", "date"],
                    "properties": {"intervention": {"type": "string", "code_list": "intervention"}, "date": date},
                },
                "followup": {
                    "required": ["date", "notes"],
                    "properties": {"date": date, "notes": {"type": "string", "maxLength": 2000}},
                },
                "case_note": {"required": ["text"], "properties": {"text": {"type": "string"}}},
            }
        }

    def sync_down(self) -> dict[str, Any]:
        return {
            "wipe": False,
            "cursor": "c1",
            "full": True,
            "limits": {"max_cases": 50},
            "cases": [
                {
                    "id": self.case_id,
                    "case_number": "CCO/274/2026/0001",
                    "status": "open",
                    "version": 3,
                    "child": self.child_id,
                    "categories": ["CSNG"],
                    "summary": "",
                    "updated_at": "2026-12-01T08:00:00Z",
                }
            ],
            "persons": [
                {
                    "id": self.child_id,
                    "first_name": SYNCED_CHILD[0],
                    "other_names": "",
                    "surname": SYNCED_CHILD[1],
                    "sex": "male",
                    "date_of_birth": "2017-03-01",
                    "cpims_number": "CP-0000001",
                    "version": 1,
                    "caregivers": [],
                }
            ],
            "removed": {"cases": [], "persons": []},
            "code_lists": {
                "intervention": [
                    {"code": "PSS", "label": "Psychosocial support", "label_sw": "Msaada wa kisaikolojia"},
                    {"code": "EDU", "label": "Education support", "label_sw": "Msaada wa elimu"},
                ]
            },
            "org_units": [{"id": str(uuid.uuid4()), "name": "Westlands"}],
        }

    def answer(self, item: dict[str, Any]) -> dict[str, Any]:
        client_id = item["client_id"]
        if client_id in self.applied:
            return {"client_id": client_id, "status": "already_applied", "id": self.applied[client_id]}
        if item["kind"] == "child_register" and item["resolution"] is None:
            candidate = {"id": self.child_id, "first_name": SYNCED_CHILD[0], "surname": SYNCED_CHILD[1], "sex": "male"}
            return {"client_id": client_id, "status": "duplicate", "candidates": [candidate]}
        if item["kind"] == "followup" and item["resolution"] is None:
            server = {"date": "2026-12-01", "notes": "Visited by the supervisor"}
            return {"client_id": client_id, "status": "conflict", "id": item["target"], "server": server}
        self.applied[client_id] = item["target"] or str(uuid.uuid4())
        return {"client_id": client_id, "status": "applied", "id": self.applied[client_id]}

    def handle(self, route: Any) -> None:
        request = route.request
        if self.offline:
            route.abort("internetdisconnected")
            return
        path = request.url.split("/api/v1/offline/", 1)[1].split("?", 1)[0]
        if request.method == "POST":
            assert request.headers.get("x-csrftoken"), "the app sends the CSRF token"
        if path == "devices/" and request.method == "POST":
            secret = base64.b64encode(secrets.token_bytes(32)).decode()
            body = {"device_id": self.device_id, "device_secret": secret, "max_cases": 50}
            route.fulfill(status=201, json=body)
        elif path == "sync/" and request.method == "GET":
            assert f"device={self.device_id}" in request.url
            route.fulfill(json={"wipe": True} if self.revoked else self.sync_down())
        elif path == "sync/" and request.method == "POST":
            items = json.loads(request.post_data or "{}")["items"]
            self.posted.append(items)
            route.fulfill(json={"results": [self.answer(item) for item in items], "wipe": False})
        elif path == "forms/":
            route.fulfill(json=self.forms())
        else:
            route.fulfill(status=404, json={"detail": "Not found."})


def test_offline_app_against_the_contract(context: Any, live_server: Any, reference: None) -> None:
    from cpims.geo.models import OrgUnit

    officer = _user("field_officer", R.SUBCOUNTY_OFFICER, OrgUnit.objects.get(code="DCS-SC274"))
    stand_in = ContractStandIn()
    context.route("**/api/v1/offline/**", stand_in.handle)
    page = context.new_page()
    _sign_in(page, live_server.url, officer)
    _set_pin_and_sync(page, live_server.url)

    stand_in.offline = True
    _record_offline(page, context)

    # Online again: sync. The service is applied; the child and the follow-up wait for a choice.
    context.set_offline(False)
    stand_in.offline = False
    page.locator("#tabs").get_by_role("link", name="Sync", exact=True).click()
    page.get_by_role("button", name="Sync now").click()
    page.get_by_text("Sync finished.").wait_for()
    kinds = {item["kind"]: item for item in stand_in.posted[0]}
    assert set(kinds) == {"child_register", "service", "followup"}
    assert kinds["service"]["target"] == stand_in.case_id and kinds["service"]["base_version"] == 3
    assert kinds["child_register"]["data"]["caregiver"]["first_name"] == CAREGIVER[0]

    # Duplicate: the candidate is shown; the officer registers the child anyway.
    page.get_by_role("link", name="Possible duplicate").click()
    page.get_by_text("This child may already be registered.").wait_for()
    page.locator("#candidates li", has_text=SYNCED_CHILD[0]).wait_for()
    page.get_by_role("button", name="Register anyway").click()
    page.get_by_text("Sync finished.").wait_for()

    # Conflict: both versions side by side; she keeps hers.
    page.get_by_role("link", name="Conflict").click()
    table = page.locator("#conflict-table")
    table.get_by_role("columnheader", name="Your version").wait_for()
    table.get_by_role("columnheader", name="Server version").wait_for()
    table.get_by_text("Visited by the supervisor").wait_for()
    page.get_by_role("button", name="Keep mine").click()
    page.get_by_text("Sync finished.").wait_for()
    page.locator("#queue-count").get_by_text("Waiting to send").wait_for(state="detached")

    # Each retried item kept its client_id and carried the choice.
    resolutions = {item["client_id"]: item["resolution"] for batch in stand_in.posted[1:] for item in batch}
    assert resolutions[kinds["child_register"]["client_id"]] == "register_anyway"
    assert resolutions[kinds["followup"]["client_id"]] == "keep_mine"

    # The sync log: three records sent, each applied.
    page.locator("#tabs").get_by_role("link", name="Sync log").click()
    page.locator("#log-rows tr").nth(2).wait_for()
    assert page.locator("#log-rows [data-status=applied]").count() == 3
    # Phone-first layout: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # A supervisor revokes the phone: the next sync is told to wipe, and the store is emptied.
    stand_in.revoked = True
    page.locator("#tabs").get_by_role("link", name="Sync", exact=True).click()
    page.get_by_role("button", name="Sync now").click()
    page.get_by_text("This phone was revoked: the data on it were wiped.").wait_for()
    page.get_by_role("heading", name="Set an offline PIN").wait_for()
    assert page.evaluate(READ_RAW_STORE)["count"] == 0

    _sign_out_wipes(page)


# --- The whole journey against the server ----------------------------------------------------


def test_offline_journey_with_the_server(context: Any, live_server: Any, reference: None) -> None:
    """Needs the server part of /api/v1/offline/ (issue 17, offserver)."""
    from cpims.audit.models import AuditEvent
    from cpims.cases.tests.conftest import make_child, open_case
    from cpims.geo.models import OrgUnit
    from cpims.registry.models import Person

    westlands = OrgUnit.objects.get(code="DCS-SC274")
    officer = _user("field_officer", R.SUBCOUNTY_OFFICER, westlands)
    case = open_case(officer, westlands, child=make_child(officer, westlands, *SYNCED_CHILD))
    page = context.new_page()
    _sign_in(page, live_server.url, officer)
    _set_pin_and_sync(page, live_server.url)
    _record_offline(page, context)

    context.set_offline(False)
    page.locator("#tabs").get_by_role("link", name="Sync", exact=True).click()
    page.get_by_role("button", name="Sync now").click()
    page.get_by_text("Sync finished.").wait_for()
    # A possible duplicate asks first (the server's duplicate rules); she registers anyway.
    if page.get_by_role("link", name="Possible duplicate").count():
        page.get_by_role("link", name="Possible duplicate").click()
        page.get_by_role("button", name="Register anyway").click()
        page.get_by_text("Sync finished.").wait_for()
    page.locator("#queue-count").get_by_text("Waiting to send").wait_for(state="detached")

    child = Person.objects.get(first_name=NEW_CHILD[0])
    assert AuditEvent.objects.filter(actor=officer, object_id=str(child.public_id)).exists()
    case.refresh_from_db()
    assert case.services.exists()  # the service recorded offline, now on the server
    assert AuditEvent.objects.filter(actor=officer, action__startswith="case.").exists()

    # The duplicate screen: the same child registered again offline is matched on the server.
    context.set_offline(True)
    page.locator("#tabs").get_by_role("link", name="Register a child").click()
    _fill_form(page, {"first_name": NEW_CHILD[0], "surname": NEW_CHILD[1], "last_name": NEW_CHILD[1]} | _same_as(child))
    page.get_by_role("button", name="Save on this phone").click()
    page.get_by_text("Saved on this phone.").wait_for()
    context.set_offline(False)
    page.locator("#tabs").get_by_role("link", name="Sync", exact=True).click()
    page.get_by_role("button", name="Sync now").click()
    page.get_by_role("link", name="Possible duplicate").click()
    page.locator("#candidates li", has_text=NEW_CHILD[0]).get_by_role("button", name="Link to this child").click()
    page.get_by_text("Sync finished.").wait_for()
    page.locator("#queue-count").get_by_text("Waiting to send").wait_for(state="detached")
    assert Person.objects.filter(first_name=NEW_CHILD[0], last_name=NEW_CHILD[1]).count() == 1

    # The conflict screen: the case's notes are changed at the office after the phone synced down;
    # offline she rewrites them. Both versions are shown; she keeps hers.
    from cpims.cases.actions import case_update

    case.refresh_from_db()
    case_update(actor=officer, case=case, expected_version=case.version, notes="Rewritten at the office")
    context.set_offline(True)
    page.locator("#tabs").get_by_role("link", name="My caseload").click()
    page.fill("#case-search", SYNCED_CHILD[0])
    page.locator("#case-list li", has_text=SYNCED_CHILD[0]).get_by_role("link", name="Note").click()
    _fill_form(page, {"text": "Rewritten on the phone", "replace": "on"})
    page.get_by_role("button", name="Save on this phone").click()
    page.get_by_text("Saved on this phone.").wait_for()
    context.set_offline(False)
    page.locator("#tabs").get_by_role("link", name="Sync", exact=True).click()
    page.get_by_role("button", name="Sync now").click()
    page.get_by_role("link", name="Conflict").click()
    table = page.locator("#conflict-table")
    table.get_by_role("columnheader", name="Your version").wait_for()
    table.get_by_role("columnheader", name="Server version").wait_for()
    table.get_by_text("Rewritten at the office").wait_for()
    table.get_by_text("Rewritten on the phone").wait_for()
    page.get_by_role("button", name="Keep mine").click()
    page.locator("#sync-results [data-status=applied]").first.wait_for()
    page.locator("#queue-count").get_by_text("Waiting to send").wait_for(state="detached")
    case.refresh_from_db()
    assert case.notes == "Rewritten on the phone"

    _sign_out_wipes(page)


def _same_as(person: Any) -> dict[str, str]:
    values = {"sex": person.sex}
    if person.date_of_birth:
        values["date_of_birth"] = person.date_of_birth.isoformat()
    return values


@pytest.mark.parametrize("waiting", [False, True], ids=["nothing-waiting", "note-waiting"])
def test_idle_lock_then_session_end_wipes(
    browser: Any, live_server: Any, reference: None, settings: Any, waiting: bool
) -> None:
    """The app locks after the web session's idle time; when the server says the session has
    ended, it wipes the store, but keeps (encrypted) what still waits to be sent."""
    from cpims.geo.models import OrgUnit

    settings.CPIMS_SESSION_IDLE_SECONDS = 8
    officer = _user("field_officer", R.SUBCOUNTY_OFFICER, OrgUnit.objects.get(code="DCS-SC274"))
    context = browser.new_context(viewport=SCREENS["phone"], locale="en-GB")
    context.set_default_timeout(30_000)
    try:
        stand_in = ContractStandIn()
        context.route("**/api/v1/offline/**", stand_in.handle)
        page = context.new_page()
        _sign_in(page, live_server.url, officer)
        _set_pin_and_sync(page, live_server.url)
        if waiting:
            stand_in.offline = True
            context.set_offline(True)
            page.locator("#tabs").get_by_role("link", name="My caseload").click()
            page.locator("#case-list li", has_text=SYNCED_CHILD[0]).get_by_role("link", name="Note").click()
            _fill_form(page, {})
            page.get_by_role("button", name="Save on this phone").click()
            page.get_by_text("Saved on this phone.").wait_for()
        # No touch for the idle time: locked, and the caseload is no longer on the screen.
        page.get_by_role("heading", name="Unlock with your PIN").wait_for()
        assert page.locator("#case-list li").count() == 0
        # The connection comes back: the server says the session ended, so the store is wiped.
        context.set_offline(False)
        stand_in.offline = False
        page.evaluate("window.dispatchEvent(new Event('online'))")
        if waiting:
            page.get_by_text("Sign in again to send the records still waiting.").wait_for()
            raw = page.evaluate(READ_RAW_STORE)
            assert raw["count"] == 1 and raw["encrypted"] and "queue:" in raw["text"]
            page.get_by_role("heading", name="Unlock with your PIN").wait_for()
        else:
            page.get_by_text("You were signed out: the data on this phone were wiped.").wait_for()
            assert page.evaluate(READ_RAW_STORE)["count"] == 0
    finally:
        context.close()

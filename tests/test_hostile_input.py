"""Hostile input never answers 500: malformed, oversized, deeply nested, NUL bytes, huge numbers."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
HUGE = 10**100


@pytest.fixture
def superuser(cast: Any) -> Any:
    """A national user holding every permission: each endpoint gets past its permission check to
    the code that reads the input."""
    from cpims.accounts import permissions as P
    from cpims.accounts.models import Assignment, Role

    role = Role.objects.create(code="hostile_all", name="All", permissions=list(P.ALL), scope=Role.Scope.NATIONAL)
    Assignment.objects.create(user=cast.national_me, role=role, org_unit=cast.hq)
    return cast.national_me


@pytest.fixture
def api(client: Client, login: Any, superuser: Any, monkeypatch: pytest.MonkeyPatch) -> Client:
    from rest_framework.throttling import SimpleRateThrottle

    # Hundreds of requests in a few seconds: the rate limit would answer 429 before the input is read.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    client.raise_request_exception = False
    return login(client, superuser)


def _schema_paths() -> dict[str, dict[str, Any]]:
    return _schema()["paths"]


_SCHEMA: dict[str, Any] = {}


def _schema() -> dict[str, Any]:
    """The OpenAPI schema, generated once per test process (every share reads it)."""
    if not _SCHEMA:
        from drf_spectacular.generators import SchemaGenerator

        _SCHEMA.update(SchemaGenerator().get_schema(request=None, public=True))
    return _SCHEMA


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


# Each test takes one share of the endpoints or pages, so the two test processes split the work.
SHARES = 6


@pytest.mark.parametrize("share", range(SHARES))
def test_api_hostile(api: Client, share: int) -> None:
    fails: list[tuple[Any, ...]] = []
    paths = dict(sorted(_schema_paths().items())[share::SHARES])
    bodies: list[tuple[str, bytes | str, str]] = [
        ("malformed", b'{"a": ', "application/json"),
        ("list", b"[1, 2]", "application/json"),
        ("string", b'"x"', "application/json"),
        ("deep", b"[" * 100_000 + b"]" * 100_000, "application/json"),
        ("deepobj", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "application/json"),
        ("badutf8", b'{"name": "\xff\xfe"}', "application/json"),
        ("form-nul", "name=a%00b", "application/x-www-form-urlencoded"),
        ("big", b'{"a": "' + b"x" * 3_000_000 + b'"}', "application/json"),
    ]
    for path, ops in paths.items():
        full = "/api/v1" + path[len("/api/v1") :] if path.startswith("/api/v1") else path
        for method, op in ops.items():
            # A path without parameters is the same URL whatever fills them: sent once.
            fillers = (("uuid", str(uuid.uuid4())), ("baduuid", "not-a-uuid"), ("nul", "a%00b"))
            for label, value in fillers if "{" in full else fillers[:1]:
                url = _fill(full, value)
                if method == "get":
                    r = api.get(url)
                    if r.status_code >= 500:
                        fails.append((method, url, label, r.status_code))
                    params = [p for p in op.get("parameters", []) if p.get("in") == "query"]
                    for p in params:
                        for v in (NUL, str(HUGE), "-1", "2024-13-45", "not-a-uuid"):
                            r = api.get(url, {p["name"]: v})
                            if r.status_code >= 500:
                                fails.append((method, url, p["name"], repr(v), r.status_code))
                        r = api.get(f"{url}?{p['name']}=%FF%FE")
                        if r.status_code >= 500:
                            fails.append((method, url, p["name"], "%FF%FE", r.status_code))
                    continue
                if method in ("post", "put", "patch"):
                    for blabel, body, ctype in bodies:
                        r = getattr(api, method)(url, body, content_type=ctype)
                        if r.status_code >= 500:
                            fails.append((method, url, label, blabel, r.status_code))
                    # Fields of the request body with hostile values.
                    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
                    ref = schema.get("$ref", "")
                    props = _components().get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
                    for name in props:
                        bad: Any
                        for bad in (NUL, HUGE, -1, "not-an-enum", [], {"x": 1}):
                            r = getattr(api, method)(url, {name: bad}, content_type="application/json")
                            if r.status_code >= 500:
                                fails.append((method, url, name, repr(bad)[:20], r.status_code))
    print("\n".join(map(str, fails)))
    assert not fails


def _components() -> dict[str, Any]:
    return _schema()["components"]["schemas"]


# --- Web pages --------------------------------------------------------------------------------

PARAMS = [
    *("q", "active_only", "area", "bands", "before", "case", "child", "county", "duplicate", "expired"),
    *("format", "group_by", "incoming", "indicator", "kind", "kinds", "level", "mine", "month", "number"),
    *("office", "on", "open", "overdue", "page", "period", "purpose", "rows", "show", "status"),
    *("to_review", "view", "date_from", "date_to", "action", "username", "outcome", "object_type"),
    *("sub_county", "ward", "category", "sex", "year", "quarter"),
]


def _web_urls() -> list[tuple[str, str]]:
    """Every named page (name, path) with its URL arguments filled with an unknown UUID, a value that
    is not a UUID and a NUL byte."""
    from django.urls import URLPattern, URLResolver, get_resolver

    out: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(("api/", "static/", "admin/")) or "(?P" in route or "^" in route:
                    continue
                if "<" not in route:
                    out.append((route, "/" + route))
                    continue
                for value in (str(uuid.uuid4()), "not-a-uuid", "99999999999999999999999", "a%00b"):
                    out.append((route, "/" + re.sub(r"<[^>]+>", value, route)))

    walk(get_resolver().url_patterns, "")
    return out


@pytest.mark.parametrize("share", range(SHARES))
def test_web_hostile(api: Client, share: int) -> None:
    fails: list[tuple[Any, ...]] = []
    get_sets = [
        {name: NUL for name in PARAMS},
        {name: str(HUGE) for name in PARAMS},
        {name: "-1" for name in PARAMS},
        {name: "2024-13-45" for name in PARAMS},
    ]
    post_sets = [
        {name: NUL for name in [*PARAMS, "name", "first_name", "last_name", "date_of_birth", "notes"]},
        {name: str(HUGE) for name in [*PARAMS, "date_of_birth", "quantity", "count"]},
        {name: "2024-02-31" for name in [*PARAMS, "date_of_birth", "date", "on", "when", "occurred_on"]},
    ]
    for route, url in _web_urls()[share::SHARES]:
        if "logout" in route:
            continue
        for data in get_sets:
            r = api.get(url, data)
            if r.status_code >= 500:
                fails.append(("get", url, next(iter(data.values()))[:8]))
        r = api.get(url + "?q=%FF%FE&page=%FF")
        if r.status_code >= 500:
            fails.append(("get", url, "badutf8"))
        for data in post_sets:
            r = api.post(url, data)
            if r.status_code >= 500:
                fails.append(("post", url, next(iter(data.values()))[:8]))
    print("\n".join(map(str, fails)))
    assert not fails


# --- The answers themselves -------------------------------------------------------------------


def test_api_answers_hostile_bodies_with_the_right_status(api: Client) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    assert api.post("/api/v1/children/", deep, content_type="application/json").status_code == 400
    big = b'{"a": "' + b"x" * 3_000_000 + b'"}'
    response = api.post("/api/v1/children/", big, content_type="application/json")
    assert response.status_code == 413
    assert "bytes allowed" in response.json()["detail"]
    nul = api.post("/api/v1/children/search/", {"q": "a\x00b"}, content_type="application/json")
    assert nul.status_code == 400
    assert nul.json() == {"detail": "The request body could not be read."}
    assert api.get("/api/v1/children/", {"county": NUL}).json() == {"detail": "The request contains a NUL character."}


def test_pages_refuse_nul_with_400(api: Client) -> None:
    assert api.get("/children/", {"q": NUL}).status_code == 400
    assert api.post("/children/", {"first_name": NUL}).status_code == 400
    form = "first_name=a%00b"
    assert api.post("/children/", form, content_type="application/x-www-form-urlencoded").status_code == 400


def test_as_int_and_as_page_refuse_numbers_no_database_id_can_hold() -> None:
    from cpims.core.forms import as_int, as_page

    assert as_int(str(HUGE)) is None
    assert as_int(str(2**63)) is None
    assert as_int("-5") == -5
    assert as_page(str(HUGE)) == 1
    assert as_page("-3") == 1
    assert as_page("7") == 7


def test_api_refuses_a_version_no_database_integer_holds(api: Client, cast: Any) -> None:
    from cpims.cases.tests.conftest import open_case

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    url = f"/api/v1/cases/{case.public_id}/"
    for version in (HUGE, -1):
        response = api.patch(url, {"version": version, "summary": "x"}, content_type="application/json")
        assert response.status_code == 400, response.content
        assert "version" in response.json()["errors"]

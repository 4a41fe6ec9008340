"""Scope of every cases URL for the whole cast (the same entries go into tests/test_url_scope.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.cases.tests.scope_routes import cases_routes
from tests.test_url_scope import EVERYONE, Route

ROUTES = cases_routes(Route, EVERYONE)
CASES = [(name, who) for name in sorted(ROUTES) for who in sorted(EVERYONE | {"anonymous"})]


@pytest.mark.parametrize(("name", "who"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_scope(name: str, who: str, client: Any, cast: Any, login: Any) -> None:
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(cast) or None)
    if who == "anonymous":
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    login(client, cast.users()[who])
    status = client.get(url).status_code
    if who in route.hidden:
        assert status == 404, f"{name}: {who} should get 404, got {status}"
    elif who in route.ok:
        assert status in route.ok_status, f"{name}: {who} should be allowed, got {status}"
    else:
        assert status == 403, f"{name}: {who} should get 403, got {status}"


def test_every_cases_url_has_an_entry() -> None:
    from tests.test_url_scope import iter_url_names

    names = {n for n in iter_url_names() if n.startswith("cases:")}
    assert names == set(ROUTES)

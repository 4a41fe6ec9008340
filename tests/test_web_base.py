"""Headers, caching and error pages of the web base."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from cpims.site.views import home


def test_pages_are_not_stored_and_carry_a_strict_csp(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(reverse("site:home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"


def test_pages_use_only_local_static_files(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    content = client.get(reverse("site:home")).content.decode()
    assert "https://" not in content and "http://" not in content.replace('xmlns="http://', "")
    assert "/static/vendor/bootstrap/bootstrap.min.css" in content
    assert "/static/vendor/htmx/htmx.min.js" in content


def test_htmx_requests_carry_the_csrf_token(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    content = client.get(reverse("site:home")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in content


def test_csrf_is_enforced_on_posts(cast: Any, login: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    login(strict, cast.nairobi_officer)
    response = strict.post(reverse("set_language"), {"language": "sw"})
    assert response.status_code == 403


def test_not_found_page_is_friendly_and_leaks_nothing(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "We could not find that page" in content
    assert "Traceback" not in content and "urlpatterns" not in content


def _boom(request: Any) -> Any:
    raise RuntimeError("a secret detail that must not reach the page")


urlpatterns = [path("boom/", _boom), path("", home)]


@pytest.mark.urls("tests.test_web_base")
@override_settings(DEBUG=False)
def test_server_error_page_leaks_nothing(db: Any) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong" in content
    assert "secret detail" not in content and "RuntimeError" not in content


def test_healthz_reveals_nothing(client: Client, db: Any) -> None:
    response = client.get(reverse("core:healthz"))
    assert response.json() == {"status": "ok"}

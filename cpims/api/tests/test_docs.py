"""api:docs — Swagger UI from local files, no inline script or style, behind login."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("api:docs")


def test_anonymous_goes_to_the_login_page(client: Any, cast: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(URL + "?script=").status_code == 302


def test_docs_page_uses_only_local_files_and_no_inline_code(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "http://" not in content and "https://" not in content and "//" not in content.replace("<!--", "")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", content, flags=re.S)
    assert scripts, "the page loads Swagger UI"
    for attrs, body in scripts:
        assert body.strip() == "", "no inline script"
        src = re.search(r'src="([^"]+)"', attrs).group(1)
        assert src.startswith(("/static/", URL)), src
    assert "<style" not in content and " style=" not in content
    for href in re.findall(r'<link[^>]+href="([^"]+)"', content):
        assert href.startswith("/static/"), href
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in content


def test_docs_page_is_sent_with_the_strict_csp(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    csp = client.get(URL)["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_start_up_script_is_a_separate_local_file(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    content = client.get(URL).content.decode()
    script_url = re.findall(r'<script src="([^"]+)"', content)[-1].replace("&amp;", "&")
    response = client.get(script_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    assert "SwaggerUIBundle(" in body
    assert reverse("api:schema") in body
    assert "validatorUrl: null" in body


def test_static_files_exist(client: Any) -> None:
    from django.contrib.staticfiles import finders

    for name in (
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
        "api/docs.css",
    ):
        assert finders.find(name), name

"""The field app's pages: the shell (sign-in, who may open it, no personal data in it), the
manifest, the service worker, the session probe, and the size of the app shell."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cpims.offline import views

pytestmark = pytest.mark.django_db

APP = "/offline/"


def _config(content: str) -> dict:
    match = re.search(r'<script id="offline-config" type="application/json">(.*?)</script>', content, re.S)
    assert match, "the page carries its configuration as a JSON block"
    return json.loads(match.group(1))


def test_urls() -> None:
    assert reverse("offline:app") == APP
    assert reverse("offline:service_worker") == "/offline/sw.js"
    assert reverse("offline:manifest") == "/offline/manifest.webmanifest"


def test_shell_needs_sign_in(client) -> None:
    response = client.get(APP)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["nairobi_officer", "turkana_officer", "partner", "nairobi_coordinator"])
def test_caseworkers_open_the_shell(cast, status_as, who) -> None:
    assert status_as(getattr(cast, who), APP) == 200


def test_stakeholder_is_refused(cast, status_as) -> None:
    # Aggregates only: no field work, so no field app.
    assert status_as(cast.stakeholder, APP) == 403


def test_shell_holds_no_personal_data(client, cast, login) -> None:
    officer = cast.nairobi_officer
    officer.first_name, officer.last_name, officer.email = "Wanjiku", "Kamau", "wk@example.org"
    officer.save()
    login(client, officer)
    response = client.get(APP)
    content = response.content.decode()
    for personal in ("Wanjiku", "Kamau", "wk@example.org", officer.username):
        assert personal not in content
    assert response["Cache-Control"] == "no-store"
    # The menu still works, and the scripts are modules from our own static files.
    assert reverse("cases:case_list") in content
    assert '<script type="module" src="/static/offline/js/app.js">' in content
    assert 'rel="manifest" href="/offline/manifest.webmanifest?lang=en"' in content
    config = _config(content)
    assert config["api"] == "/api/v1/offline/"
    assert config["idle_seconds"] == settings.CPIMS_SESSION_IDLE_SECONDS
    assert config["version"] == views.shell_version()
    assert set(views.STRINGS) == set(config["strings"])


def test_shell_in_kiswahili(client, cast, login) -> None:
    login(client, cast.nairobi_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    content = client.get(APP).content.decode()
    assert 'lang="sw"' in content
    assert "Weka PIN" in content
    config = _config(content)
    assert config["language"] == "sw"
    assert config["strings"]["offline"] == "Nje ya mtandao"


def test_menu_entry(client, cast, login) -> None:
    login(client, cast.nairobi_officer)
    assert APP in client.get(reverse("site:home")).content.decode()
    login(client, cast.stakeholder)
    assert f'href="{APP}"' not in client.get(reverse("site:home")).content.decode()


@pytest.mark.parametrize(("lang", "name"), [("en", "CPIMS field app"), ("sw", "Programu ya CPIMS ya kazi nyanjani")])
def test_manifest(client, lang, name) -> None:
    # Browsers fetch the manifest without asking; it names nobody, so it needs no sign-in.
    response = client.get(reverse("offline:manifest"), {"lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert body["name"] == name
    assert body["lang"] == lang
    assert body["start_url"] == APP and body["scope"] == APP
    assert body["display"] == "standalone"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in body["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_manifest_ignores_unknown_language(client) -> None:
    response = client.get(reverse("offline:manifest"), {"lang": "<xx>"})
    assert response.status_code == 200
    assert json.loads(response.content)["lang"] == "en"


def test_service_worker(client) -> None:
    response = client.get(reverse("offline:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    version = views.shell_version()
    assert f'const VERSION = "{version}";' in body
    found = re.search(r"const SHELL = (\[.*?\]);", body)
    assert found
    shell = json.loads(found.group(1))
    assert APP in shell
    assert "/static/offline/js/crypto.js" in shell
    # The Cache API holds the shell only: nothing from the API, where personal data live.
    assert not [url for url in shell if url.startswith("/api/")]
    assert 'url.pathname.startsWith("/api/")' in body


def test_shell_version_follows_the_files(tmp_path, monkeypatch) -> None:
    version = views.shell_version()
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    views.shell_version.cache_clear()
    assert views.shell_version() == version  # stable while the files stay the same
    # A deploy that changes one shell file changes the version, hence the service worker's cache.
    changed = tmp_path / "app.js"
    changed.write_text("// a new release")
    original = views.shell_files()
    monkeypatch.setattr(views, "shell_files", lambda: [*original, str(changed)])
    views.shell_version.cache_clear()
    try:
        assert views.shell_version() != version
    finally:
        views.shell_version.cache_clear()


def test_session_probe(client, cast, login) -> None:
    url = reverse("offline:session")
    assert client.get(url).json() == {"signed_in": False}
    login(client, cast.nairobi_officer)
    assert client.get(url).json() == {"signed_in": True}


def test_shell_under_300_kb_compressed() -> None:
    total = 0
    for path in views.shell_files():
        total += len(gzip.compress(Path(path).read_bytes(), compresslevel=9))
    assert total < 300 * 1024, f"app shell is {total} bytes gzipped"


def test_shell_files_are_local() -> None:
    # Vendored, no CDN: no script or style of the shell loads anything from another origin.
    for path in views.shell_files():
        if path.endswith((".js", ".css")) and "/offline/" in path:
            assert "http://" not in Path(path).read_text() and "https://" not in Path(path).read_text()

"""Every Kiswahili catalogue is complete, and the language switch really changes the page."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUES = sorted((Path(settings.BASE_DIR) / "cpims").glob("**/locale/sw/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_catalogue() -> None:
    apps = {path.parts[-5] for path in CATALOGUES}  # the app folder (cpims/integrations/dhis2 -> dhis2)
    assert {"core", "geo", "accounts", "audit", "api"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_fully_translated(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {path}"
    assert fuzzy == [], f"fuzzy in {path}"
    for entry in catalogue.translated_entries():
        # Placeholders must survive translation, or the page breaks at render time.
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            for token in ("%(", "%s", "%d"):
                assert entry.msgid.count(token) == text.count(token), entry.msgid


def test_language_switch_sets_kiswahili(client, cast, login) -> None:
    login(client, cast.nairobi_officer)
    response = client.post(reverse("set_language"), {"language": "sw", "next": reverse("site:home")}, follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="sw"' in content
    assert "Majukumu yako" in content  # "Your roles"
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("site:home")}, follow=True)
    assert "Your roles" in response.content.decode()


def test_language_choice_is_remembered_on_the_profile(client, cast, login) -> None:
    login(client, cast.nairobi_officer)
    client.post(reverse("set_language"), {"language": "sw", "next": reverse("site:home")})
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.preferred_language == "sw"


def test_unknown_language_changes_nothing(client, cast, login) -> None:
    login(client, cast.nairobi_officer)
    client.post(reverse("set_language"), {"language": "xx", "next": reverse("site:home")})
    cast.nairobi_officer.refresh_from_db()
    assert cast.nairobi_officer.preferred_language == "en"

"""Kiswahili all the way: the main pages, walked in Kiswahili by users of several roles, show no
English text that has a Kiswahili translation (catalogue strings and code-list labels)."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from cpims.care.tests.conftest import admit, manager_of, westlands_cci
from cpims.cases.models import CaseEvent
from cpims.cases.tests.conftest import advance, open_case
from cpims.core.models import Code
from cpims.geo.models import OrgUnit

pytestmark = pytest.mark.django_db

CATALOGUES = sorted((Path(settings.BASE_DIR) / "cpims").glob("**/locale/sw/LC_MESSAGES/django.po"))
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@cache
def english_with_a_translation() -> frozenset[str]:
    """Catalogue msgids of two words or more whose Kiswahili differs (placeholders split them)."""
    phrases: set[str] = set()
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)).translated_entries():
            if entry.msgid_plural or entry.msgstr.strip() == entry.msgid.strip() or "<" in entry.msgid:
                continue
            for part in _PLACEHOLDER.split(entry.msgid):
                part = part.strip(" .,:;·–—()“”\"'")
                if len(part.split()) >= 2 and part not in entry.msgstr:
                    phrases.add(part)
    return frozenset(phrases)


@cache
def english_code_labels() -> frozenset[str]:
    return frozenset(
        label
        for label, label_sw in Code.objects.exclude(label_sw="").values_list("label", "label_sw")
        if label.strip() != label_sw.strip() and label.strip() not in label_sw
    )


class _Text(HTMLParser):
    """The text a reader sees or hears: text nodes and the title, placeholder and aria-label
    attributes; not scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(p.split()) for p in parser.parts if p.strip()]


def english_left(html: str, data: tuple[str, ...] = ()) -> set[str]:
    """The English phrases with a Kiswahili translation found in the page's text, once the
    ``data`` (names and free text people typed, which stay as typed) is taken out."""
    found: set[str] = set()
    texts = visible_text(html)
    for value in sorted(data, key=len, reverse=True):
        texts = [t.replace(" ".join(value.split()), " ") for t in texts]
    for phrase in english_with_a_translation() | english_code_labels():
        pattern = re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])")
        if any(pattern.search(t) for t in texts):
            found.add(phrase)
    return found


@pytest.fixture
def scene(cast: Any) -> dict[str, Any]:
    """A case with a plan and services, a child in a children's home, in Westlands."""
    case = advance(open_case(cast.nairobi_officer, cast.westlands_office), cast, "services")
    cci = westlands_cci(cast)
    placement = admit(cast.nairobi_officer, case.child, cci, case=case)
    case.refresh_from_db()
    # Free text people typed stays as typed; the timeline is rendered in the reader's language,
    # so its rows are checked like any other text (rows without a message key stay as written).
    typed = [
        case.assessment_summary,
        *case.plan.goals.values_list("goal", flat=True),
        *CaseEvent.objects.filter(case=case, message="").values_list("summary", flat=True),
    ]
    data = tuple(OrgUnit.objects.values_list("name", flat=True)) + tuple(t for t in typed if t)
    return {
        "case": case,
        "child": case.child,
        "placement": placement,
        "manager": manager_of(cci),
        "institution": cci,
        "data": data,
    }


def _pages(scene: dict[str, Any]) -> list[str]:
    case, child, placement = scene["case"], scene["child"], scene["placement"]
    return [
        reverse("site:home"),
        reverse("accounts:profile"),
        reverse("accounts:user_list"),
        reverse("registry:search") + "?q=Zawadi",
        reverse("registry:child_create"),
        reverse("registry:child_detail", kwargs={"public_id": child.public_id}),
        reverse("cases:case_list"),
        reverse("cases:task_list"),
        reverse("cases:case_create") + f"?child={child.public_id}",
        reverse("cases:case_detail", kwargs={"public_id": case.public_id}),
        reverse("referrals:inbox"),
        reverse("court:diary"),
        reverse("care:placement_list"),
        reverse("care:placement_detail", kwargs={"public_id": placement.public_id}),
        reverse("care:institution_list"),
        reverse("reporting:caseload"),
        reverse("returns:index"),
        reverse("returns:review"),
        reverse("intake:queue"),
        reverse("intake:report_new"),
        reverse("referrals:sent"),
        reverse("care:alerts"),
        reverse("care:institution_detail", kwargs={"public_id": scene["institution"].public_id}),
        reverse("returns:completeness"),
        reverse("reporting:drilldown"),
        reverse("geo:orgunit_list"),
        reverse("audit:event_list"),
        reverse("accounts:user_create"),
        reverse("retention:schedule"),
        reverse("retention:holds"),
        reverse("retention:runs"),
        reverse("legacy:runs"),
    ]


@pytest.mark.parametrize(
    "who", ["nairobi_officer", "nairobi_coordinator", "national_me", "admin", "partner", "stakeholder", "manager"]
)
def test_main_pages_in_kiswahili_show_no_translated_english(
    client: Any, cast: Any, login: Any, scene: Any, who: str
) -> None:
    user = scene["manager"] if who == "manager" else getattr(cast, who)
    user.preferred_language = "sw"
    user.save(update_fields=["preferred_language"])
    login(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    shown, problems = 0, {}
    for url in _pages(scene):
        response = client.get(url)
        if response.status_code != 200:
            continue  # not this role's page
        html = response.content.decode()
        assert '<html lang="sw"' in html, url
        shown += 1
        left = english_left(html, scene["data"])
        if left:
            problems[url] = sorted(left)
    assert shown >= 3, f"{who} saw too few pages"
    assert problems == {}, "\n".join(f"{url}: {left}" for url, left in problems.items())


def test_the_check_finds_english(cast: Any) -> None:
    """The check is not blind: an English page trips it, on both kinds of text."""
    label = Code.objects.get(code_list__name="case_category_id", code="CSRG").label
    html = f"<p>Your roles</p><span title='x'>{label}</span><script>var s = 'Case category';</script>"
    assert {"Your roles", label} <= english_left(html)
    assert "Case category" not in english_left(html)

"""The menu is built from the entries the apps register, in the order it always had."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cpims.core import hooks

pytestmark = pytest.mark.django_db

EXPECTED = [
    ("site:home", None),
    ("registry:search", "children"),
    ("registry:child_create", "children"),
    ("cases:task_list", "cases"),
    ("offline:app", "cases"),
    ("cases:case_list", "cases"),
    ("intake:queue", "cases"),
    ("intake:report_new", "cases"),
    ("court:diary", "cases"),
    ("justice:alerts", "cases"),
    ("referrals:inbox", "cases"),
    ("cases:emergency_access", "cases"),
    ("care:placement_list", "care"),
    ("care:institution_list", "care"),
    ("care:alerts", "care"),
    ("dashboards:home", "reports"),
    ("reporting:caseload", "reports"),
    ("ctip:figures", "reports"),
    ("returns:index", "reports"),
    ("returns:review", "reports"),
    ("dhis2:index", "admin"),
    ("geo:orgunit_list", "admin"),
    ("imports:home", "admin"),
    ("accounts:user_list", "admin"),
    ("audit:event_list", "admin"),
    ("cases:emergency_access_list", "admin"),
    ("privacy:request_list", "admin"),
    ("retention:schedule", "admin"),
    ("privacy:breach_list", "admin"),
    ("legacy:runs", "admin"),
    ("api:token_list", "admin"),
    ("api:docs", "admin"),
    ("site:task_queue", "admin"),
]


def test_every_app_registered_its_entries_in_the_old_order() -> None:
    assert [(entry.url_name, entry.group) for entry in hooks.menu_entries()] == EXPECTED


def test_an_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError):
        hooks.register_menu_entry("site:home", "Home", None, "elsewhere", 0)


def test_the_menu_shows_only_permitted_entries_with_their_group(client: Client, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    response = client.get(reverse("site:home"))
    items = response.context["nav_items"]
    urls = [item["url"] for item in items]
    assert urls[0] == reverse("site:home") and items[0]["active"] and items[0]["group"] is None
    assert reverse("registry:search") in urls
    assert reverse("audit:event_list") not in urls  # an officer does not read the audit log
    search = next(item for item in items if item["url"] == reverse("registry:search"))
    assert str(search["group"]) == "Children"


def test_home_shows_the_registered_counts(
    client: Client, cast: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def counts(user: Any) -> list[hooks.HomeCount]:
        return [hooks.HomeCount(label=f"Waiting for {user.username}", url="/cases/", count=3)]

    monkeypatch.setattr(hooks, "_HOME_COUNTS", [counts])
    login(client, cast.nairobi_officer)
    content = client.get(reverse("site:home")).content.decode()
    assert f"Waiting for {cast.nairobi_officer.username}" in content
    assert ">3</span>" in content

"""The menu fits: for every demo role, at 390x844 (a phone) and 1366x768 (a laptop), in English
and Kiswahili, the home page never scrolls sideways, every menu entry of the role can be reached
(opening the menu button and the area's dropdown), and the user's name and "Sign out" are visible.

One browser and one page for the whole walk; each role is signed in with a session that has passed
its second factor (the login journey covers the sign-in screens themselves)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from conftest import login_verified, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
SIGN_OUT = {"en": "Sign out", "sw": "Ondoka"}


def _demo_users() -> list[Any]:
    """The demo roles as load_demo creates them (its units and users), without their passwords."""
    from cpims.accounts.demo import DEMO_UNITS, DEMO_USERS
    from cpims.geo.models import OrgUnit

    for unit in DEMO_UNITS:
        office = OrgUnit.objects.get(code=unit.sub_county_office)
        OrgUnit.objects.get_or_create(
            code=unit.code,
            defaults={
                "name": unit.name,
                "kind": unit.kind,
                "parent": office,
                "area": office.area,
                "county": office.county,
                "sub_county": office.sub_county,
            },
        )
    users = []
    for spec in DEMO_USERS:
        user = make_user(spec.username, spec.role, OrgUnit.objects.get(code=spec.org_unit))
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.save(update_fields=["first_name", "last_name"])
        users.append(user)
    return users


def _expected_urls(user: Any) -> set[str]:
    from cpims.accounts import scope
    from cpims.core.hooks import menu_entries

    urls = set()
    for entry in menu_entries():
        if entry.perm is not None and not scope.has_perm(user, entry.perm):
            continue
        try:
            urls.add(reverse(entry.url_name))
        except NoReverseMatch:
            continue
    return urls


def _assert_no_sideways_scroll(page: Any, where: str) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{where}: page is {scroll}px wide in a {inner}px window"


def _open_menu_if_collapsed(page: Any) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        if toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
        page.locator("#mainnav.show").wait_for(state="visible")


def _check(page: Any, base_url: str, user: Any, language: str, size: str) -> None:
    where = f"{user.username} {language} {size}"
    page.goto(f"{base_url}/")
    page.locator("h1").wait_for(state="visible")
    assert page.locator("html").get_attribute("lang") == language, where
    _assert_no_sideways_scroll(page, where)

    _open_menu_if_collapsed(page)
    name = page.locator("#nav-user")
    name.wait_for(state="visible")
    assert user.get_full_name() in name.inner_text(), where
    signout = page.locator("nav").get_by_role("button", name=SIGN_OUT[language])
    signout.wait_for(state="visible")
    _assert_no_sideways_scroll(page, f"{where}, menu open")

    reached: set[str] = set()
    nav = page.locator("#mainnav")
    for link in nav.locator("> ul.me-auto > li.nav-item > a.nav-link").all():
        assert link.is_visible(), where
        reached.add(link.get_attribute("href") or "")
    for dropdown in nav.locator("li.dropdown").all():
        toggle = dropdown.locator("> button.dropdown-toggle")
        toggle.click()
        items = dropdown.locator(".dropdown-menu a.dropdown-item")
        items.first.wait_for(state="visible")
        for item in items.all():
            item.scroll_into_view_if_needed()
            assert item.is_visible(), f"{where}: {item.inner_text()}"
            reached.add(item.get_attribute("href") or "")
        _assert_no_sideways_scroll(page, f"{where}, {toggle.inner_text()} open")
        toggle.click()  # close it again
        dropdown.locator('> button.dropdown-toggle[aria-expanded="false"]').wait_for()
    assert reached == _expected_urls(user), where


def test_menu_fits_for_every_demo_role(browser: Any, live_server: Any, reference: None) -> None:
    users = _demo_users()
    context = browser.new_context(viewport=SIZES["phone"], locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        for user in users:
            session = login_verified(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value
            for language in ("en", "sw"):
                context.clear_cookies()
                context.add_cookies(
                    [
                        {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
                        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
                    ]
                )
                for size, viewport in SIZES.items():
                    page.set_viewport_size(viewport)
                    _check(page, live_server.url, user, language, size)
    finally:
        context.close()

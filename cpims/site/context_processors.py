from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from cpims.accounts import scope
from cpims.core.hooks import GROUPS, menu_entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the apps registered, those the user may use, in their registered order
    (``nav_items``), and the same entries grouped by area for the navbar (``nav_groups``: the
    areas in GROUPS order, empty ones left out; entries without a group come first)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": []}
    items = []
    for entry in menu_entries():
        if entry.perm is not None and not scope.has_perm(user, entry.perm):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        group = GROUPS[entry.group] if entry.group else None
        items.append(
            {
                "url": url,
                "label": entry.label,
                "group": group,
                "group_key": entry.group or "",
                "active": request.path == url,
            }
        )
    groups = []
    for key, label in [("", None), *GROUPS.items()]:
        members = [item for item in items if item["group_key"] == key]
        if members:
            groups.append(
                {"key": key, "label": label, "items": members, "active": any(item["active"] for item in members)}
            )
    return {"nav_items": items, "nav_groups": groups}

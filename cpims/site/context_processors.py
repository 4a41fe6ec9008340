from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from cpims.accounts import scope
from cpims.core.hooks import GROUPS, menu_entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the apps registered, those the user may use, in their registered order."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for entry in menu_entries():
        if entry.perm is not None and not scope.has_perm(user, entry.perm):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        group = GROUPS[entry.group] if entry.group else None
        items.append({"url": url, "label": entry.label, "group": group, "active": request.path == url})
    return {"nav_items": items}

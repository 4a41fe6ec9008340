"""Registration points through which each app adds to the application shell (the site app).

An app registers its menu entries, home-page counts, demo loader and reference loader in its
AppConfig.ready(); the shell reads them here, so neither core nor the shell lists the apps by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# The areas people think in; a menu entry belongs to one of them (the home page to none).
GROUPS: dict[str, Any] = {
    "children": _("Children"),
    "cases": _("Cases"),
    "care": _("Care"),
    "reports": _("Reports"),
    "admin": _("Admin"),
}


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: Any  # a lazy translation
    perm: str | None  # None: every signed-in user
    group: str | None  # a key of GROUPS
    order: int


@dataclass(frozen=True)
class HomeCount:
    label: Any
    url: str
    count: int


@dataclass(frozen=True)
class Loader:
    order: int
    load: Callable[[], object]  # its return value is ignored
    report: Callable[[], dict[str, int]] | None = None  # counts load_reference prints afterwards


_MENU: dict[str, MenuEntry] = {}
_HOME_COUNTS: list[Callable[[Any], list[HomeCount]]] = []
_DEMO: list[Loader] = []
_REFERENCE: list[Loader] = []


def register_menu_entry(url_name: str, label: Any, perm: str | None, group: str | None, order: int) -> None:
    if group is not None and group not in GROUPS:
        raise ValueError(f"Unknown menu group {group!r}.")
    _MENU[url_name] = MenuEntry(url_name, label, perm, group, order)


def menu_entries() -> list[MenuEntry]:
    return sorted(_MENU.values(), key=lambda entry: entry.order)


def register_home_counts(fn: Callable[[Any], list[HomeCount]]) -> None:
    """``fn(user)`` returns the counts of the user's waiting work that this app shows on the home page."""
    if fn not in _HOME_COUNTS:
        _HOME_COUNTS.append(fn)


def home_counts_for(user: Any) -> list[HomeCount]:
    return [count for fn in _HOME_COUNTS for count in fn(user)]


def _register(loaders: list[Loader], loader: Loader) -> None:
    if all(known.load is not loader.load for known in loaders):
        loaders.append(loader)


def register_demo_loader(order: int, load: Callable[[], object]) -> None:
    """``load()`` adds this app's demo data (demo mode only) and adds nothing on a second run."""
    _register(_DEMO, Loader(order, load))


def demo_loaders() -> list[Loader]:
    return sorted(_DEMO, key=lambda loader: loader.order)


def register_reference_loader(
    order: int, load: Callable[[], object], report: Callable[[], dict[str, int]] | None = None
) -> None:
    """``load()`` loads this app's reference data and changes nothing on a second run."""
    _register(_REFERENCE, Loader(order, load, report))


def reference_loaders() -> list[Loader]:
    return sorted(_REFERENCE, key=lambda loader: loader.order)

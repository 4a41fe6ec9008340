"""Registration points through which each app adds to the application shell (the site app).

An app declares its menu entries, home-page counts, demo loader and reference loaders on its
``CpimsAppConfig``, whose ready() registers them here; the shell reads them here, so neither core
nor the shell lists the apps by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.apps import AppConfig
from django.utils.module_loading import import_string
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


class CpimsAppConfig(AppConfig):
    """The AppConfig of a cpims app: ready() registers what the class declares.

    Loaders and home counts are dotted paths, because apps.py is imported before the models are
    ready. Registrations with another app's registration point (task sources, case panels, signals)
    go in ``connect()``, as plain imports, so that lint-imports still sees the dependency.
    """

    # Only subclasses are an app's config (Django picks the one AppConfig of an apps.py that says
    # default; this base, imported there, must not count).
    default = False

    menu: ClassVar[Sequence[MenuEntry]] = ()
    # (order, "dotted.path.to.load") or (order, "load", "report")
    reference_loaders: ClassVar[Sequence[tuple[int, str] | tuple[int, str, str]]] = ()
    demo_loader: ClassVar[tuple[int, str] | None] = None
    home_counts: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.default = True

    def ready(self) -> None:
        for entry in self.menu:
            register_menu_entry(entry.url_name, entry.label, entry.perm, entry.group, entry.order)
        for order, load, *report in self.reference_loaders:
            register_reference_loader(order, import_string(load), import_string(report[0]) if report else None)
        if self.demo_loader is not None:
            order, load = self.demo_loader
            register_demo_loader(order, import_string(load))
        if self.home_counts is not None:
            register_home_counts(import_string(self.home_counts))
        self.connect()

    def connect(self) -> None:
        """Registrations with the registration points of the apps below this one."""

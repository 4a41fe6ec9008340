"""Who saw this child: the audit events on a child's record and on their cases, for the child's
page (``child.access_log``, in scope). Reads only; the page and the export are themselves audited.

The registry does not know the apps built on it: they register the other records of a child whose
events belong here (``register_access_log_objects``; the cases app adds the child's cases).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpims.audit.export import neutralise
from cpims.audit.labels import action_labels
from cpims.audit.models import AuditEvent
from cpims.audit.queries import NAIROBI, Page, events_on, page_of
from cpims.registry.models import Person

PERSON_TYPE = "registry.person"
MAX_EXPORT_ROWS = 100_000

# The registry's actions, added to the one map of audit labels (cpims.audit.labels) in apps.py.
ACTION_LABELS: dict[str, Any] = {
    "person.view": gettext_lazy("Opened the child's record"),
    "person.photo_view": gettext_lazy("Looked at the photo"),
    "person.create": gettext_lazy("Registered the child"),
    "person.update": gettext_lazy("Changed the child's details"),
    "person.merge": gettext_lazy("Merged a duplicate record"),
    "identifier.add": gettext_lazy("Added an identifier"),
    "identifier.verify": gettext_lazy("Checked an identifier with the national register"),
    "relationship.add": gettext_lazy("Added a caregiver or sibling"),
    "relationship.update": gettext_lazy("Changed a caregiver or sibling"),
    "consent.give": gettext_lazy("Recorded consent"),
    "consent.withdraw": gettext_lazy("Withdrew consent"),
    "person.access_log": gettext_lazy("Looked at who saw this child"),
    "person.access_log_export": gettext_lazy("Downloaded who saw this child"),
    "person.search": gettext_lazy("Searched for children"),
    "person.search_hit": gettext_lazy("Found the child in a search"),
    "person.duplicate_check": gettext_lazy("Checked for duplicate records"),
    "person.caregiver_match": gettext_lazy("Looked for an existing caregiver"),
    "person.photo_set": gettext_lazy("Changed the photo"),
    "household.create": gettext_lazy("Created a household"),
    "household.join": gettext_lazy("Added the child to a household"),
    "household.member_add": gettext_lazy("Added a household member"),
}

_OBJECT_SOURCES: list[Callable[[Person, Any], dict[str, list[str]]]] = []


def register_access_log_objects(fn: Callable[[Person, Any], dict[str, list[str]]]) -> None:
    """``fn(child, viewer) -> {object type: [public ids]}``: more records whose events are the
    child's, among those ``viewer`` may see (events on a record the viewer cannot open are not
    shown: they would tell them, for instance, that the child has a case in another county)."""
    if fn not in _OBJECT_SOURCES:
        _OBJECT_SOURCES.append(fn)


def events_for(person: Person, viewer: Any) -> QuerySet[AuditEvent]:
    """Successful events on the child, the records merged into it, and the records other apps
    register (the child's cases ``viewer`` may see), newest first. The caller checks the
    permission over the child."""
    objects: dict[str, list[str]] = {
        PERSON_TYPE: [
            str(person.public_id),
            *(str(i) for i in Person.objects.filter(merged_into=person).values_list("public_id", flat=True)),
        ]
    }
    for source in _OBJECT_SOURCES:
        for object_type, ids in source(person, viewer).items():
            objects.setdefault(object_type, []).extend(ids)
    return events_on(objects)


@dataclass(frozen=True)
class Entry:
    at: Any
    who: str
    username: str
    units: str
    what: str
    record: str


def _units_of(actor_ids: Iterable[int]) -> dict[int, str]:
    """The offices each user works for now (their active assignments): one query."""
    from cpims.accounts.models import Assignment

    out: dict[int, list[str]] = {}
    for user_id, name in (
        Assignment.objects.filter(user_id__in=sorted(set(actor_ids)), is_active=True)
        .order_by("org_unit__name")
        .values_list("user_id", "org_unit__name")
    ):
        if name not in out.setdefault(user_id, []):
            out[user_id].append(name)
    return {user_id: ", ".join(names) for user_id, names in out.items()}


def _labels() -> tuple[dict[str, str], str]:
    """The labels in the current language (taken before a CSV streams, while it is still active)."""
    return action_labels(), _("Child's record")


def entries(events: list[AuditEvent], labels: tuple[dict[str, str], str] | None = None) -> list[Entry]:
    actions, child_label = labels or _labels()
    units = _units_of(e.actor_id for e in events if e.actor_id)
    out = []
    for event in events:
        actor = event.actor
        who = (actor.get_full_name() if actor is not None else "") or event.actor_username
        record = child_label if event.object_type == PERSON_TYPE else event.object_label
        out.append(
            Entry(
                at=event.at.astimezone(NAIROBI),
                who=who,
                username=event.actor_username,
                units=units.get(event.actor_id or 0, ""),
                what=actions.get(event.action, event.action),
                record=record,
            )
        )
    return out


def page_for(person: Person, viewer: Any, number: int) -> tuple[Page, list[Entry]]:
    """One page (50) of the child's events ``viewer`` may see: the events, the users' offices and
    the records of the other apps (one query each)."""
    page = page_of(events_for(person, viewer), number)
    return page, entries(page.items)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV file, formulas neutralised as in the audit export; offices read 2,000 events at a time."""
    writer = csv.writer(_Echo())
    header = [_("Time (Kenya)"), _("Name"), _("User name"), _("Offices"), _("What"), _("Record")]
    first = "\ufeff" + writer.writerow([neutralise(cell) for cell in header])
    labels = _labels()

    def lines() -> Iterator[str]:
        yield first
        chunk: list[AuditEvent] = []
        for event in events.iterator(chunk_size=2000):
            chunk.append(event)
            if len(chunk) == 2000:
                yield from _rows(writer, chunk, labels)
                chunk = []
        yield from _rows(writer, chunk, labels)

    return lines()


def _rows(writer: Any, events: list[AuditEvent], labels: tuple[dict[str, str], str]) -> Iterator[str]:
    for e in entries(events, labels):
        cells = [e.at.isoformat(timespec="seconds"), e.who, e.username, e.units, e.what, e.record]
        yield writer.writerow([neutralise(cell) for cell in cells])

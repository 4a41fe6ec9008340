"""The DCS code lists: loading them from the project's data file and reading them.

Records point at ``Code`` rows with foreign keys; the DCS code is kept for interoperability.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet

from cpims.core.models import Code, CodeList

DATA_FILE = Path(__file__).resolve().parent / "data" / "code_lists.csv"


@dataclass(frozen=True)
class CodeRow:
    list_name: str
    list_title: str
    code: str
    label: str
    short_label: str
    order: int
    sub_list: str
    label_sw: str = ""
    # The code of the same list that replaces this one (a duplicate label); such codes load
    # inactive so records that point at them stay readable.
    merged_into: str = ""


def read_code_lists(path: Path = DATA_FILE) -> list[CodeRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            CodeRow(
                list_name=row["list"].strip(),
                list_title=row["list_title"].strip(),
                code=row["code"].strip(),
                label=row["label"].strip(),
                short_label=row["short_label"].strip(),
                order=int(row["order"]),
                sub_list=row["sub_list"].strip(),
                label_sw=(row.get("label_sw") or "").strip(),
                merged_into=(row.get("merged_into") or "").strip(),
            )
            for row in csv.DictReader(handle)
        ]


def _load_lists(rows: list[CodeRow]) -> dict[str, CodeList]:
    titles: dict[str, str] = {}
    for row in rows:
        titles.setdefault(row.list_name, row.list_title)
    existing = {cl.name: cl for cl in CodeList.objects.all()}
    missing = [CodeList(name=name, title=title) for name, title in titles.items() if name not in existing]
    if missing:
        CodeList.objects.bulk_create(missing)
        existing = {cl.name: cl for cl in CodeList.objects.all()}
    retitled = []
    for name, title in titles.items():
        if existing[name].title != title:
            existing[name].title = title
            retitled.append(existing[name])
    if retitled:
        CodeList.objects.bulk_update(retitled, ["title"])
    return existing


@transaction.atomic
def load_code_lists(path: Path = DATA_FILE) -> dict[str, int]:
    """Load every DCS code list. Idempotent: codes are matched on list and DCS code.

    Where a list uses one DCS code for several items (``offender_id`` may), those items are
    matched on code and label. A changed label, Kiswahili label, short label, order, sub-list or
    merge updates the code in place and bumps its list's version; a code merged into another is
    made inactive (never re-activated here: codes may also be retired by hand). Codes missing from
    the file are left alone (retired codes stay readable). Returns the numbers of lists and of
    codes created and updated.
    """
    rows = read_code_lists(path)
    lists = _load_lists(rows)

    rows_per_code: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        rows_per_code[(row.list_name, row.code)] += 1
    existing: dict[tuple[str, str], list[Code]] = defaultdict(list)
    for code in Code.objects.select_related("code_list").only(
        "code_list__name", "code", "label", "label_sw", "short_label", "order", "sub_list_id", "is_active"
    ):
        existing[(code.code_list.name, code.code)].append(code)

    to_create: list[Code] = []
    to_update: list[Code] = []
    touched_lists: set[int] = set()
    for row in rows:
        code_list = lists[row.list_name]
        sub_list = lists.get(row.sub_list) if row.sub_list else None
        sub_list_id = sub_list.pk if sub_list is not None else None
        candidates = existing[(row.list_name, row.code)]
        if rows_per_code[(row.list_name, row.code)] == 1 and len(candidates) == 1:
            match: Code | None = candidates[0]
        else:
            match = next((c for c in candidates if c.label == row.label), None)
        if match is None:
            to_create.append(
                Code(
                    code_list=code_list,
                    code=row.code,
                    label=row.label,
                    label_sw=row.label_sw,
                    short_label=row.short_label,
                    order=row.order,
                    sub_list_id=sub_list_id,
                    is_active=not row.merged_into,
                )
            )
            touched_lists.add(code_list.pk)
            continue
        # A merge retires the code; nothing here re-activates one (codes may be retired by hand).
        active = match.is_active and not row.merged_into
        wanted = (row.label, row.label_sw, row.short_label, row.order, sub_list_id, active)
        current = (match.label, match.label_sw, match.short_label, match.order, match.sub_list_id, match.is_active)
        if current != wanted:
            match.label, match.label_sw, match.short_label, match.order, match.sub_list_id, match.is_active = wanted
            to_update.append(match)
            touched_lists.add(code_list.pk)

    if to_create:
        Code.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Code.objects.bulk_update(
            to_update, ["label", "label_sw", "short_label", "order", "sub_list", "is_active"], batch_size=500
        )
    # A list that existed before and changed gets a new version; a brand-new list stays at 1.
    previously_loaded = {key[0] for key in existing if existing[key]}
    bumped = [cl for cl in lists.values() if cl.pk in touched_lists and cl.name in previously_loaded]
    for cl in bumped:
        cl.version += 1
    if bumped:
        CodeList.objects.bulk_update(bumped, ["version"])
    return {"lists": len({r.list_name for r in rows}), "created": len(to_create), "updated": len(to_update)}


def codes(list_name: str, active_only: bool = True) -> QuerySet[Code]:
    """The codes of one list in display order, e.g. ``codes("case_category_id")``. One query."""
    qs = Code.objects.filter(code_list__name=list_name).select_related("sub_list").order_by("order", "label")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def code_counts() -> dict[str, int]:
    """What load_reference reports about the code lists."""
    return {"codes": Code.objects.count()}

"""The data dictionary: every personal-data field, its purpose, lawful basis, who can see it and how
long it is kept, read from ``data_dictionary.yaml`` files and checked against the models.

Where entries live. ``cpims/retention/data_dictionary.yaml`` holds the models of the apps that
existed when retention was built; any app may instead keep its own ``data_dictionary.yaml`` in its
folder (same format), which is read too. A model may be described in one file only.

Which models hold personal data (and so need an entry for *every* field). A model in a cpims app
is *personal* when:

- it has a foreign key (or one-to-one) to ``registry.Person`` or ``cases.Case`` (it is about a
  child, a caregiver or a case), or
- one of its field names looks personal (``PERSONAL_NAME_PARTS``: name, phone, contact, email,
  birth, address, narrative, notes, ...).

A model caught by this rule that holds no personal data is listed under ``not_personal`` with the
reason. Django's own models and the history tables (``Historical…``, which follow their model) are
not checked. The record keys and timestamps every model has (``COMMON_FIELDS``) need no entry.

``manage.py data_dictionary`` writes docs/data-dictionary.md from the entries and the models;
``--check`` fails when a personal model or field has no entry, an entry names a field that no
longer exists, or the published document is stale (tests/test_data_dictionary.py runs it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.conf import settings
from django.db import models

PERSONAL_TARGETS = frozenset({"registry.person", "cases.case"})
PERSONAL_NAME_PARTS = (
    "name",
    "phone",
    "contact",
    "email",
    "birth",
    "address",
    "narrative",
    "notes",
    "village",
    "landmark",
    "hiv",
    "photo",
)
COMMON_FIELDS = frozenset({"id", "public_id", "created_at", "updated_at"})
FIELD_HANDLING = {
    "erase": "blanked when the record is anonymised",
    "keep": "kept (needed for the counts, or not identifying on its own)",
    "key": "a link or system number, kept",
}
MAIN_FILE = Path(__file__).with_name("data_dictionary.yaml")
DOC_PATH = Path(settings.BASE_DIR) / "docs" / "data-dictionary.md"


@dataclass(frozen=True)
class FieldInfo:
    name: str
    label: str
    type: str
    target: str = ""  # "app.model" of a relation


@dataclass(frozen=True)
class ModelInfo:
    label: str  # "registry.Person"
    fields: tuple[FieldInfo, ...]
    verbose_name: str = ""

    @property
    def is_personal(self) -> bool:
        return any(f.target in PERSONAL_TARGETS for f in self.fields) or any(
            part in f.name for f in self.fields for part in PERSONAL_NAME_PARTS
        )


@dataclass
class Dictionary:
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    not_personal: dict[str, str] = field(default_factory=dict)


def describe(model: type[models.Model]) -> ModelInfo:
    fields = []
    for f in model._meta.get_fields():
        if f.auto_created and not f.concrete:
            continue  # reverse relations
        target = f.related_model._meta.label_lower if f.is_relation and f.related_model else ""
        fields.append(FieldInfo(f.name, str(getattr(f, "verbose_name", f.name)), type(f).__name__, target))
    return ModelInfo(model._meta.label, tuple(fields), str(model._meta.verbose_name))


def project_models() -> list[ModelInfo]:
    """The models of the cpims apps, history tables left out."""
    return [
        describe(m)
        for m in apps.get_models()
        if m.__module__.startswith("cpims.") and not m.__name__.startswith("Historical")
    ]


def files() -> list[Path]:
    found = [MAIN_FILE]
    for config in apps.get_app_configs():
        path = Path(config.path) / "data_dictionary.yaml"
        if config.name.startswith("cpims.") and path.exists() and path != MAIN_FILE:
            found.append(path)
    return found


def load(paths: Iterable[Path] | None = None) -> Dictionary:
    dictionary = Dictionary()
    for path in paths if paths is not None else files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for label, entry in (data.get("models") or {}).items():
            if label in dictionary.models:
                raise ValueError(f"{label} is described twice (again in {path}).")
            dictionary.models[label] = entry
        dictionary.not_personal.update(data.get("not_personal") or {})
    return dictionary


def problems(dictionary: Dictionary, infos: Iterable[ModelInfo]) -> list[str]:
    """What the dictionary lacks or gets wrong for these models (empty when complete)."""
    found = []
    by_label = {info.label: info for info in infos}
    for label, info in sorted(by_label.items()):
        entry = dictionary.models.get(label)
        if entry is None:
            if info.is_personal and label not in dictionary.not_personal:
                found.append(f"{label}: holds personal data but has no entry in a data_dictionary.yaml")
            continue
        for key in ("purpose", "lawful_basis", "who_can_see", "retention"):
            if not entry.get(key):
                found.append(f"{label}: '{key}' is missing")
        described = entry.get("fields") or {}
        names = {f.name for f in info.fields} - COMMON_FIELDS
        for name in sorted(names - set(described)):
            found.append(f"{label}.{name}: no entry (say erase, keep or key)")
        for name in sorted(set(described) - names):
            found.append(f"{label}.{name}: entry for a field the model does not have")
        for name, how in sorted(described.items()):
            if how not in FIELD_HANDLING:
                found.append(f"{label}.{name}: '{how}' is not one of {', '.join(FIELD_HANDLING)}")
    for label in sorted(set(dictionary.models) - set(by_label)):
        found.append(f"{label}: entry for a model that does not exist")
    return found


def erase_fields(label: str, dictionary: Dictionary | None = None) -> list[str]:
    entry = (dictionary or load()).models.get(label) or {}
    return [name for name, how in (entry.get("fields") or {}).items() if how == "erase"]


def _cell(text: Any) -> str:
    return " ".join(str(text or "").split()).replace("|", "/")


def render(dictionary: Dictionary, infos: Iterable[ModelInfo]) -> str:
    """docs/data-dictionary.md, generated: one section per personal-data model."""
    by_label = {info.label: info for info in infos}
    out = [
        "# Data dictionary",
        "",
        "Generated by `manage.py data_dictionary` from the `data_dictionary.yaml` files and the models;",
        "do not edit by hand. `manage.py data_dictionary --check` (run by the test suite) fails when a",
        "model holding personal data has a field without an entry, or when this file is stale.",
        "How a model counts as holding personal data, and the retention periods, are explained in",
        "`docs/data-protection.md` (section Retention).",
        "",
        "Field handling: " + "; ".join(f"**{k}**: {v}" for k, v in FIELD_HANDLING.items()) + ".",
        "",
    ]
    for label in sorted(dictionary.models):
        entry = dictionary.models[label]
        info = by_label.get(label)
        out += [f"## {label}", ""]
        if info is not None and info.verbose_name:
            out += [f"*{_cell(info.verbose_name)}*", ""]
        out += [
            f"- **Purpose**: {_cell(entry.get('purpose'))}",
            f"- **Lawful basis**: {_cell(entry.get('lawful_basis'))}",
            f"- **Who can see it**: {_cell(entry.get('who_can_see'))}",
            f"- **Retention**: {_cell(entry.get('retention'))}",
            "",
            "| field | meaning | type | handling |",
            "|---|---|---|---|",
        ]
        labels = {f.name: f for f in info.fields} if info else {}
        for name, how in (entry.get("fields") or {}).items():
            f = labels.get(name)
            out.append(f"| `{name}` | {_cell(f.label if f else '')} | {f.type if f else ''} | {how} |")
        out.append("")
    if dictionary.not_personal:
        out += ["## Models without personal data", "", "| model | why |", "|---|---|"]
        out += [f"| {label} | {_cell(why)} |" for label, why in sorted(dictionary.not_personal.items())]
        out.append("")
    return "\n".join(out)

"""The data dictionary (cpims/retention/dictionary.py): every field of every model holding personal
data has an entry, and docs/data-dictionary.md is current. A new personal field without an entry
fails here, so `make test` fails."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cpims.retention import dictionary as d
from cpims.retention.management.commands.data_dictionary import check_or_write


def test_the_dictionary_is_complete_and_the_document_current() -> None:
    assert check_or_write(write=False) == []


def test_the_command_check_passes() -> None:
    call_command("data_dictionary", "--check", verbosity=0)


def _with_field(info: d.ModelInfo, name: str, target: str = "") -> d.ModelInfo:
    return d.ModelInfo(info.label, (*info.fields, d.FieldInfo(name, name, "CharField", target)), info.verbose_name)


def test_a_new_field_on_a_personal_model_without_an_entry_fails() -> None:
    entries = d.load()
    infos = [_with_field(i, "mother_maiden_name") if i.label == "registry.Person" else i for i in d.project_models()]
    assert d.problems(entries, infos) == ["registry.Person.mother_maiden_name: no entry (say erase, keep or key)"]


def test_a_new_model_holding_personal_data_without_an_entry_fails() -> None:
    entries = d.load()
    # Invented models (no app has them): one about a child, one with a phone number.
    about_a_child = d.ModelInfo(
        "example.ChildNote", (d.FieldInfo("person", "person", "ForeignKey", "registry.person"),)
    )
    with_a_phone = d.ModelInfo("example.Contact", (d.FieldInfo("phone", "phone", "CharField"),))
    neutral = d.ModelInfo("core.Setting", (d.FieldInfo("value", "value", "CharField"),))
    found = d.problems(entries, [*d.project_models(), about_a_child, with_a_phone, neutral])
    assert found == [
        "example.ChildNote: holds personal data but has no entry in a data_dictionary.yaml",
        "example.Contact: holds personal data but has no entry in a data_dictionary.yaml",
    ]


def test_a_removed_entry_a_stale_entry_and_a_bad_handling_fail() -> None:
    entries = copy.deepcopy(d.load())
    del entries.models["cases.Case"]["fields"]["reporter_name"]
    entries.models["cases.Perpetrator"]["fields"]["nickname"] = "erase"
    entries.models["cases.CaseEvent"]["fields"]["summary"] = "maybe"
    del entries.models["intake.IntakeReport"]["lawful_basis"]
    found = d.problems(entries, d.project_models())
    assert "cases.Case.reporter_name: no entry (say erase, keep or key)" in found
    assert "cases.Perpetrator.nickname: entry for a field the model does not have" in found
    assert "cases.CaseEvent.summary: 'maybe' is not one of erase, keep, key" in found
    assert "intake.IntakeReport: 'lawful_basis' is missing" in found


def test_a_stale_document_fails(tmp_path: Any, monkeypatch: Any) -> None:
    stale = tmp_path / "data-dictionary.md"
    stale.write_text("# Data dictionary\n\nold\n", encoding="utf-8")
    monkeypatch.setattr(d, "DOC_PATH", stale)
    with pytest.raises(CommandError, match="stale"):
        call_command("data_dictionary", "--check", verbosity=0)


def test_every_field_the_retention_job_erases_exists_and_can_be_blanked() -> None:
    from django.apps import apps
    from django.db import models

    entries = d.load()
    for label, entry in entries.models.items():
        if "anonymise" not in entry:
            continue
        model = apps.get_model(label)
        for name in d.erase_fields(label, entries):
            f = model._meta.get_field(name)
            assert isinstance(f, (models.CharField, models.TextField, models.JSONField, models.FileField)) or f.null, (
                f"{label}.{name} cannot be blanked"
            )

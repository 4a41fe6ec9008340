"""The DCS code lists: what load_code_lists() loads and the codes() helper."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from cpims.core.codelists import DATA_FILE, codes, load_code_lists, read_code_lists
from cpims.core.models import Code, CodeList

pytestmark = pytest.mark.django_db

CASE_CATEGORY_SUB_LISTS = {
    "CTRF": "child_labour_id",
    "CSAB": "offender_id",
    "CSIC": "neglect_denial_id",
    "CCOA": "online_abuse_id",
    "CSDS": "drug_abuse_id",
    "CCEA": "emotional_abuse_id",
    "CCCP": "custody_id",
    "CIDC": "orphaned_child_id",
    "CCCT": "out_of_school_id",
    "CCMO": "mother_offer_id",
}

# The lists the case, registration, care, referral and court forms and pages show.
TRANSLATED_LISTS = (
    "case_category_id",
    "intervention_id",
    "case_reporter_id",
    "closure_outcome_id",
    "alternative_family_care_type_id",
    "institution_type_id",
    "admission_type_id",
    "admission_reason_id",
    "discharge_type_id",
    "risk_level_id",
    "sex_id",
    "relationship_type_id",
    "identifier_type_id",
    "case_nature_id",
    "event_place_id",
    "perpetrator_id",
    "class_level_id",
    "disability_type_id",
    "domain_id",
    "immediate_need_id",
    "long_term_support_id",
    "family_status_id",
    "household_economics",
    "referral_type_id",
    "referral_destination_classification",
    "referral_destination_id",
    "courtsession_type_id",
    "court_outcome_id",
    "plea_type_id",
)


def test_every_list_and_code_is_loaded(reference: None) -> None:
    # This file's 205 lists and 1,482 codes, and the ctip app's 23 lists and 161 codes
    # (cpims/ctip/data/code_lists.csv: the CTiP lists, moved there with their Kiswahili labels).
    assert CodeList.objects.count() == 205 + 23
    assert Code.objects.count() == 1482 + 161


def test_case_categories_with_their_sub_lists(reference: None) -> None:
    categories = list(codes("case_category_id"))
    assert len(categories) == 43
    linked = {c.code: c.sub_list.name for c in categories if c.sub_list is not None}
    assert linked == CASE_CATEGORY_SUB_LISTS
    child_labour = next(c for c in categories if c.code == "CTRF")
    assert child_labour.label == "Child Labour"
    assert child_labour.sub_list.codes.exists()
    assert CodeList.objects.get(name="case_category_id").title == "Case Category"


def test_interventions(reference: None) -> None:
    assert codes("intervention_id").count() == 36


def test_sex_includes_intersex(reference: None) -> None:
    labels = {c.label.lower() for c in codes("sex_id")}
    assert any("intersex" in label for label in labels)


def test_codes_is_one_query_in_display_order(reference: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        rows = list(codes("case_category_id"))
        sub_lists = [c.sub_list.name for c in rows if c.sub_list_id]
    assert len(sub_lists) == len(CASE_CATEGORY_SUB_LISTS)
    assert [c.order for c in rows] == sorted(c.order for c in rows)


def test_retired_codes_stay_readable(reference: None) -> None:
    code = codes("case_category_id").get(code="CDIS")
    code.is_active = False
    code.save(update_fields=["is_active"])
    assert not codes("case_category_id").filter(code="CDIS").exists()
    assert codes("case_category_id", active_only=False).filter(code="CDIS").exists()


def test_reloading_changes_nothing(reference: None) -> None:
    before = list(Code.objects.order_by("pk").values_list("pk", "code", "label", "order", "sub_list_id"))
    versions = dict(CodeList.objects.values_list("name", "version"))
    result = load_code_lists()
    assert result == {"lists": 205, "created": 0, "updated": 0}
    assert list(Code.objects.order_by("pk").values_list("pk", "code", "label", "order", "sub_list_id")) == before
    assert dict(CodeList.objects.values_list("name", "version")) == versions


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _file_rows() -> list[dict[str, str]]:
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_corrected_label_updates_in_place_and_bumps_the_version(reference: None, tmp_path: Path) -> None:
    rows = _file_rows()
    for row in rows:
        if row["list"] == "case_category_id" and row["code"] == "CDIS":
            row["label"] = "Abandoned child"
    version = CodeList.objects.get(name="case_category_id").version
    count = Code.objects.count()

    result = load_code_lists(_write(tmp_path / "codes.csv", rows))

    assert result["created"] == 0 and result["updated"] == 1
    assert Code.objects.count() == count
    assert codes("case_category_id").get(code="CDIS").label == "Abandoned child"
    assert CodeList.objects.get(name="case_category_id").version == version + 1
    assert CodeList.objects.get(name="intervention_id").version == 1


def test_a_code_reused_for_another_meaning_is_kept_apart_by_label(reference: None, tmp_path: Path) -> None:
    rows = _file_rows()
    offence = next(r for r in rows if r["list"] == "offender_id")
    rows.append({**offence, "label": "Another offence with the same code", "order": "999"})
    path = _write(tmp_path / "codes.csv", rows)

    load_code_lists(path)
    load_code_lists(path)

    same_code = codes("offender_id").filter(code=offence["code"])
    assert sorted(same_code.values_list("label", flat=True)) == sorted(
        [offence["label"], "Another offence with the same code"]
    )


def test_the_shipped_file_is_converted_and_complete() -> None:
    rows = read_code_lists()
    assert len(rows) == 1482
    assert len({r.list_name for r in rows}) == 205
    raw = DATA_FILE.read_bytes()
    assert b"\r\n" not in raw
    # One title per list.
    titles: dict[str, set[str]] = {}
    for r in rows:
        titles.setdefault(r.list_name, set()).add(r.list_title)
    assert all(len(t) == 1 for t in titles.values())


def test_kiswahili_labels_are_loaded_and_shown_on_kiswahili_pages(reference: None) -> None:
    code = codes("case_category_id").get(code="CSRG")
    assert code.label_sw == "Unyanyasaji na unyonyaji wa kingono"
    with translation.override("en"):
        assert str(code) == "Sexual Exploitation and abuse"
    with translation.override("sw"):
        assert str(code) == "Unyanyasaji na unyonyaji wa kingono"
    untranslated = codes("SMS_command_id").first()
    assert untranslated is not None and untranslated.label_sw == ""
    with translation.override("sw"):
        assert str(untranslated) == untranslated.label


def test_the_lists_on_the_forms_have_kiswahili_labels() -> None:
    sub_lists = {r.sub_list for r in read_code_lists() if r.list_name == "case_category_id" and r.sub_list}
    wanted = sub_lists | set(TRANSLATED_LISTS)
    missing = [f"{r.list_name}/{r.code}" for r in read_code_lists() if r.list_name in wanted and not r.label_sw]
    assert missing == []


def test_no_list_offers_the_same_label_twice() -> None:
    seen: dict[tuple[str, str], str] = {}
    for row in read_code_lists():
        if row.merged_into:
            continue
        key = (row.list_name, " ".join(row.label.lower().split()))
        assert key not in seen, f"{row.list_name}: {row.code} and {seen[key]} are both “{row.label}”"
        seen[key] = row.code


def test_merged_duplicates_stay_readable_but_inactive(reference: None) -> None:
    rows = read_code_lists()
    merged = [r for r in rows if r.merged_into]
    assert {(r.list_name, r.code, r.merged_into) for r in merged} >= {("yesno_id", "YES", "AYES")}
    for row in merged:
        old = Code.objects.get(code_list__name=row.list_name, code=row.code)
        kept = Code.objects.get(code_list__name=row.list_name, code=row.merged_into)
        assert not old.is_active and kept.is_active
        assert old.label.strip().lower() == kept.label.strip().lower()
    assert list(codes("yesno_id").filter(label__iexact="yes").values_list("code", flat=True)) == ["AYES"]


def test_an_existing_database_takes_the_merge_and_the_kiswahili_labels(reference: None, tmp_path: Path) -> None:
    """A database loaded before the Kiswahili labels and the merges is updated in place, once."""
    old_rows = [{k: v for k, v in row.items() if k not in ("label_sw", "merged_into")} for row in _file_rows()]
    Code.objects.update(label_sw="", is_active=True)  # as the file without the new columns left it
    assert load_code_lists(_write(tmp_path / "old.csv", old_rows))["updated"] == 0
    assert Code.objects.get(code_list__name="yesno_id", code="YES").is_active
    count = Code.objects.count()

    result = load_code_lists()

    assert result["created"] == 0 and result["updated"] > 0
    assert Code.objects.count() == count
    assert not Code.objects.get(code_list__name="yesno_id", code="YES").is_active
    assert Code.objects.get(code_list__name="risk_level_id", code="RLHG").label_sw == "Juu"
    assert load_code_lists() == {"lists": 205, "created": 0, "updated": 0}

"""The subject access export: the child's data is in it, no other child's name, third parties
withheld (in fields and in free text), and the files are private to the officer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cpims.privacy import actions, export
from cpims.privacy.tests.conftest import OTHER_CHILD, PERPETRATOR, REPORTER, SIBLING, register

pytestmark = pytest.mark.django_db


def _text(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_export_holds_the_child_and_no_other_child(dpo: Any, child_file: Any) -> None:
    child, case, _other = child_file
    data = export.gather(dpo, register(dpo, child))
    text = _text(data)
    assert data["child"]["cpims_number"] == child.cpims_number
    assert "Zawadi" in text and "Testchild" in text
    assert [c["case_number"] for c in data["cases"]] == [case.case_number]
    assert len(data["services"]) == 1
    for name in (*OTHER_CHILD, *SIBLING, REPORTER, PERPETRATOR, "Alleged", "0700 000 001"):
        assert name.lower() not in text.lower(), name


def test_free_text_mentions_are_withheld_but_the_childs_own_name_stays(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    data = export.gather(dpo, register(dpo, child))
    notes = data["cases"][0]["notes"]
    assert notes.startswith("Zawadi told the officer that [withheld]")
    assert "[withheld] saw it" in notes
    assert data["services"][0]["notes"] == "Counselling; [withheld] attended too."
    assert data["relatives"] == [{"relationship": "Sibling", "name": "another child (withheld)"}]
    assert data["redactions"]["other_children"] == 1
    assert data["redactions"]["perpetrators"] == 1
    assert data["redactions"]["in_text"] == 4


def test_sibling_sharing_the_childs_surname_does_not_withhold_it(dpo: Any, cast: Any) -> None:
    from cpims.cases.tests.conftest import make_child
    from cpims.registry import actions as registry_actions

    child = make_child(cast.nairobi_officer, cast.westlands_office, first="Neema", last="Sharedname")
    registry_actions.relative_add(
        actor=cast.nairobi_officer,
        child=child,
        relative=registry_actions.RelativeInput(
            kind="sibling",
            person=registry_actions.PersonInput(first_name="Tumaini", last_name="Sharedname", sex="male", age_years=5),
        ),
    )
    data = export.gather(dpo, register(dpo, child))
    assert data["child"]["name"] == "Neema Sharedname"
    assert "Tumaini" not in _text(data)


def test_export_includes_who_saw_the_child(dpo: Any, child_file: Any) -> None:
    child, _case, _other = child_file
    data = export.gather(dpo, register(dpo, child))
    assert any(row["what"] == "Registered the child" for row in data["access_log"])


def test_pdf_and_json_files_are_made_for_the_officer_only(dpo: Any, child_file: Any, cast: Any) -> None:
    from cpims.reporting.downloads import download_for, downloads_of

    child, _case, _other = child_file
    req = register(dpo, child)
    req = actions.subject_request_export(actor=dpo, subject_request=req)
    files = {d.kind: d for d in downloads_of(dpo)}
    assert set(files) == {export.PDF_KIND, export.JSON_KIND}
    assert all(d.status == "done" for d in files.values()), [d.message for d in files.values()]
    pdf = files[export.PDF_KIND].file.read()
    assert pdf.startswith(b"%PDF")
    body = json.loads(files[export.JSON_KIND].file.read())
    assert body["child"]["cpims_number"] == child.cpims_number
    assert OTHER_CHILD[0] not in json.dumps(body)
    assert req.export_summary["cases"] == 1 and req.export_made_at is not None
    from django.http import Http404

    with pytest.raises(Http404):
        download_for(cast.national_me, files[export.PDF_KIND].public_id)


def test_pdf_renders_text_that_looks_like_markup(dpo: Any, cast: Any) -> None:
    from cpims.cases.tests.conftest import make_child, open_case

    child = make_child(cast.nairobi_officer, cast.westlands_office, first="Amani", last="Markuptest")
    open_case(cast.nairobi_officer, cast.westlands_office, child=child, notes="<b>bold & <unclosed")
    data = export.gather(dpo, register(dpo, child))
    assert export.to_pdf(data).startswith(b"%PDF")


def test_export_is_audited_on_the_childs_record(dpo: Any, child_file: Any) -> None:
    from cpims.registry.access_log import events_for

    child, _case, _other = child_file
    actions.subject_request_export(actor=dpo, subject_request=register(dpo, child))
    assert events_for(child, dpo).filter(action="person.subject_access_export").count() == 1

"""The template download of each kind: headers, instructions in both languages, validation lists."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cpims.imports.kinds.base import get_kind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["orgunits", "users", "children", "caseload"])
def test_template_has_headers_instructions_and_lists(cast: Any, client: Any, login: Any, kind: str) -> None:
    login(client, cast.nairobi_coordinator)
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    data = book["data"]
    found = get_kind(kind)
    assert found is not None
    assert [c.value for c in data[1]] == [c.key for c in found.columns]
    notes = " ".join(str(c.value) for row in book["instructions"].iter_rows() for c in row if c.value)
    assert "Fill in one row" in notes and "Jaza safu" in notes
    assert data.data_validations.dataValidation  # the code columns offer their lists


def test_unknown_kind_or_kind_without_permission_is_404(cast: Any, status_as: Any) -> None:
    assert status_as(cast.admin, reverse("imports:template", args=["nothing"])) == 404
    assert status_as(cast.admin, reverse("imports:template", args=["children"])) == 404  # no child.create


def test_read_only_gets_403(cast: Any, status_as: Any) -> None:
    assert status_as(cast.stakeholder, reverse("imports:template", args=["orgunits"])) == 403


def test_the_filled_template_imports(cast: Any) -> None:
    """A template as downloaded, filled in, reads back clean (the instructions and lists sheets are ignored)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cpims.imports import actions
    from cpims.imports.workbook import template_bytes

    kind = get_kind("orgunits")
    assert kind is not None
    book = load_workbook(io.BytesIO(template_bytes(kind)))
    book["data"].append(["CCI-TPL-1", "Template Home", "cci", "sub_county", "274"])
    out = io.BytesIO()
    book.save(out)
    _batch, report = actions.import_upload(
        actor=cast.admin, kind="orgunits", upload=SimpleUploadedFile("filled.xlsx", out.getvalue())
    )
    assert report.is_clean and report.total == 1

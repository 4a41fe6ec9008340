"""The OpenAPI schema of the geo and code-list endpoints builds without warnings and validates."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command


def test_schema_has_no_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--urlconf", "cpims.geo.tests.api_urls", "--file", str(out), "--validate", "--fail-on-warn"
    )
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Error" not in captured.err
    text = out.read_text(encoding="utf-8")
    assert "/api/v1/org-units/{public_id}/" in text
    assert "/api/v1/areas/{key}/" in text
    assert "/api/v1/code-lists/{name}/" in text

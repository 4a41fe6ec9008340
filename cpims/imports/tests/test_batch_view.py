"""The dry run result page: every row's problems by row and column, in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.imports import actions
from cpims.imports.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["code", "name", "kind", "area_level", "area_code"]


def _upload(user: Any, rows: list[list[str]]) -> Any:
    batch, _report = actions.import_upload(actor=user, kind="orgunits", upload=xlsx(HEADERS, rows))
    return batch


def test_errors_per_row_and_column(cast: Any, client: Any, login: Any) -> None:
    batch = _upload(
        cast.nairobi_coordinator,
        [["CCI-B-1", "Good", "cci", "sub_county", "274"], ["CCI-B-2", "Bad", "castle", "sub_county", "274"]],
    )
    login(client, cast.nairobi_coordinator)
    page = client.get(reverse("imports:batch", args=[batch.public_id])).content.decode()
    assert 'id="import-problems"' in page and "castle" in page
    assert "<td>3</td><td>kind</td>" in page
    assert "Import the rows without problems" in page


def test_in_kiswahili(cast: Any, client: Any, login: Any) -> None:
    batch = _upload(cast.nairobi_coordinator, [["CCI-B-2", "Bad", "cci", "sub_county", "999"]])
    login(client, cast.nairobi_coordinator)
    client.cookies["django_language"] = "sw"
    page = client.get(reverse("imports:batch", args=[batch.public_id]), HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Hakuna sub_county yenye msimbo 999" in page


def test_scope(cast: Any, status_as: Any) -> None:
    batch = _upload(cast.nairobi_coordinator, [["CCI-B-1", "Good", "cci", "sub_county", "274"]])
    url = reverse("imports:batch", args=[batch.public_id])
    assert status_as(cast.turkana_coordinator, url) == 404  # another county's coordinator
    assert status_as(cast.admin, url) == 404  # uploads are their uploader's own
    assert status_as(cast.stakeholder, url) == 403  # read-only
    assert status_as(cast.nairobi_coordinator, url) == 200

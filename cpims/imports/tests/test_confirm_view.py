"""Confirming an import: only a clean file, or the clean rows at the user's explicit choice."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.geo.models import OrgUnit
from cpims.imports import actions
from cpims.imports.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["code", "name", "kind", "area_level", "area_code"]
MIXED = [["CCI-C-1", "Good", "cci", "sub_county", "274"], ["CCI-C-2", "Bad", "cci", "sub_county", "999"]]


def _upload(user: Any, rows: list[list[str]]) -> Any:
    batch, _report = actions.import_upload(actor=user, kind="orgunits", upload=xlsx(HEADERS, rows))
    return batch


def test_a_file_with_problems_is_not_imported_without_the_choice(cast: Any, client: Any, login: Any) -> None:
    batch = _upload(cast.nairobi_coordinator, MIXED)
    login(client, cast.nairobi_coordinator)
    response = client.post(reverse("imports:confirm", args=[batch.public_id]), follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert not OrgUnit.objects.filter(code__startswith="CCI-C-").exists()


def test_clean_rows_only_when_chosen(cast: Any, client: Any, login: Any) -> None:
    batch = _upload(cast.nairobi_coordinator, MIXED)
    login(client, cast.nairobi_coordinator)
    response = client.post(reverse("imports:confirm", args=[batch.public_id]), {"clean_only": "on"}, follow=True)
    assert 'id="import-done"' in response.content.decode()
    assert list(OrgUnit.objects.filter(code__startswith="CCI-C-").values_list("code", flat=True)) == ["CCI-C-1"]


def test_scope(cast: Any, status_as: Any) -> None:
    batch = _upload(cast.nairobi_coordinator, MIXED[:1])
    url = reverse("imports:confirm", args=[batch.public_id])
    assert status_as(cast.turkana_coordinator, url, post={}) == 404
    assert status_as(cast.stakeholder, url, post={}) == 403
    assert not OrgUnit.objects.filter(code="CCI-C-1").exists()
    assert status_as(cast.nairobi_coordinator, url, post={}) == 302
    assert OrgUnit.objects.filter(code="CCI-C-1").exists()

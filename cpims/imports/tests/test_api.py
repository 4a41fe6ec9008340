"""The import API: upload (dry run), detail, confirm; scoped like the pages; in the schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.geo.models import OrgUnit
from cpims.imports.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["code", "name", "kind", "area_level", "area_code"]


def test_upload_dry_run_then_confirm(cast: Any, client: Any, login: Any) -> None:
    login(client, cast.admin)
    upload = xlsx(HEADERS, [["CCI-A-1", "Api Home", "cci", "sub_county", "274"], ["CCI-A-2", "Bad", "x", "ward", "1"]])
    response = client.post(reverse("api:import-upload"), {"kind": "orgunits", "file": upload})
    assert response.status_code == 201
    body = response.json()
    assert body["rows"] == 2 and body["clean"] == 1 and body["error_rows"] == 1 and not body["committed"]
    problem = body["problems"][0]
    assert problem["row"] == 3 and {e["column"] for e in problem["messages"]} == {"kind", "area_code"}
    confirm = reverse("api:import-confirm", args=[body["public_id"]])
    refused = client.post(confirm, {"clean_only": False}, content_type="application/json").json()
    assert not refused["committed"] and not OrgUnit.objects.filter(code="CCI-A-1").exists()
    done = client.post(confirm, {"clean_only": True}, content_type="application/json").json()
    assert done["committed"] and done["imported"] == 1 and done["status"] == "imported"
    assert OrgUnit.objects.filter(code="CCI-A-1").exists()


def test_bad_file_is_400_not_500(cast: Any, client: Any, login: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, cast.admin)
    response = client.post(
        reverse("api:import-upload"), {"kind": "orgunits", "file": SimpleUploadedFile("a.xlsx", b"PK\x03\x04xx")}
    )
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_scope(cast: Any, client: Any, login: Any) -> None:
    login(client, cast.nairobi_coordinator)
    upload = xlsx(HEADERS, [["CCI-A-1", "Api Home", "cci", "sub_county", "274"]])
    public_id = client.post(reverse("api:import-upload"), {"kind": "orgunits", "file": upload}).json()["public_id"]
    detail = reverse("api:import-detail", args=[public_id])
    assert client.get(detail).status_code == 200
    login(client, cast.turkana_coordinator)
    assert client.get(detail).status_code == 404
    assert client.post(reverse("api:import-confirm", args=[public_id])).status_code == 404
    login(client, cast.stakeholder)
    assert client.get(detail).status_code == 403
    upload = xlsx(HEADERS, [["CCI-A-9", "Api Home", "cci", "sub_county", "274"]])
    assert client.post(reverse("api:import-upload"), {"kind": "orgunits", "file": upload}).status_code == 403


def test_in_the_schema(cast: Any, client: Any, login: Any) -> None:
    login(client, cast.admin)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "/api/v1/imports/" in schema and "/api/v1/imports/{public_id}/confirm/" in schema

"""The upload page: who may use it, the upload itself, a refused file shown on the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.imports.models import ImportBatch
from cpims.imports.tests.helpers import xlsx

pytestmark = pytest.mark.django_db
URL = reverse("imports:home")
HEADERS = ["code", "name", "kind", "area_level", "area_code"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("admin", 200), ("nairobi_coordinator", 200), ("national_me", 403), ("stakeholder", 403), ("partner", 403)],
)
def test_who_may_open_it(cast: Any, status_as: Any, who: str, expected: int) -> None:
    assert status_as(getattr(cast, who), URL) == expected


def test_kinds_follow_permissions(cast: Any, client: Any, login: Any) -> None:
    login(client, cast.admin)  # no child.create: no children import
    page = client.get(URL).content.decode()
    assert "cpims-import" not in page
    assert reverse("imports:template", args=["orgunits"]) in page
    assert reverse("imports:template", args=["children"]) not in page
    login(client, cast.nairobi_coordinator)
    assert reverse("imports:template", args=["children"]) in client.get(URL).content.decode()


def test_upload_goes_to_the_dry_run(cast: Any, client: Any, login: Any) -> None:
    login(client, cast.admin)
    upload = xlsx(HEADERS, [["CCI-V-1", "View Home", "cci", "sub_county", "274"]])
    response = client.post(URL, {"kind": "orgunits", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:batch", args=[batch.public_id])


def test_a_refused_file_is_explained_on_the_form(cast: Any, client: Any, login: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, cast.admin)
    response = client.post(URL, {"kind": "orgunits", "file": SimpleUploadedFile("x.xlsx", b"garbage")})
    assert response.status_code == 200
    assert "not an Excel workbook" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused(cast: Any, client: Any, login: Any, settings: Any) -> None:
    settings.CPIMS_IMPORT_MAX_BYTES = 50
    login(client, cast.admin)
    upload = xlsx(HEADERS, [["CCI-V-1", "View Home", "cci", "sub_county", "274"]])
    response = client.post(URL, {"kind": "orgunits", "file": upload})
    assert response.status_code == 200 and "too large" in response.content.decode()


def test_kiswahili(cast: Any, client: Any, login: Any) -> None:
    login(client, cast.admin)
    client.cookies["django_language"] = "sw"
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Kuingiza kwa wingi" in page

"""Photos are stored outside static files and served only through the scope check."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.registry.actions import consent_give

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def test_upload_and_scoped_download(client: Any, cast: Any, login: Any, people: Any, media: Any) -> None:
    child = people.nairobi_child()
    consent_give(
        actor=cast.nairobi_officer, person=child, purpose="photo", given_by="guardian", given_on=timezone.localdate()
    )
    upload = reverse("registry:photo_upload", kwargs={"public_id": child.public_id})
    photo = reverse("registry:photo", kwargs={"public_id": child.public_id})
    login(client, cast.nairobi_officer)
    assert client.get(photo).status_code == 404  # none yet
    response = client.post(upload, {"photo": SimpleUploadedFile("face.jpg", JPEG, content_type="image/jpeg")})
    assert response.status_code == 302
    response = client.get(photo)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="person.photo_view").count() == 1
    login(client, cast.turkana_officer)
    assert client.get(photo).status_code == 404
    login(client, cast.national_me)
    assert client.get(upload).status_code == 403


def test_not_an_image_is_refused(client: Any, cast: Any, login: Any, people: Any, media: Any) -> None:
    child = people.nairobi_child()
    consent_give(
        actor=cast.nairobi_officer, person=child, purpose="photo", given_by="guardian", given_on=timezone.localdate()
    )
    login(client, cast.nairobi_officer)
    upload = reverse("registry:photo_upload", kwargs={"public_id": child.public_id})
    response = client.post(upload, {"photo": SimpleUploadedFile("x.jpg", b"<html>", content_type="image/jpeg")})
    assert "JPEG or PNG" in response.content.decode()

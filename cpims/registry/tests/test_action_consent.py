"""Consent per purpose: given, withdrawn, audited; photo consent governs the photo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.registry.actions import consent_give, consent_withdraw, photo_set
from cpims.registry.models import Consent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def test_give_and_withdraw(cast: Any, people: Any) -> None:
    child = people.nairobi_child()
    today = timezone.localdate()
    consent = consent_give(
        actor=cast.nairobi_officer,
        person=child,
        purpose="data_sharing",
        given_by="child_assent",
        given_on=today,
        shared_with=cast.nairobi_ngo,
    )
    assert consent.is_current
    consent_withdraw(actor=cast.nairobi_officer, consent=consent, withdrawn_on=today, reason="Child asked")
    consent.refresh_from_db()
    assert consent.withdrawn_on == today and consent.withdrawn_by == cast.nairobi_officer
    actions = list(AuditEvent.objects.filter(object_id=str(child.public_id)).values_list("action", flat=True))
    assert "consent.give" in actions and "consent.withdraw" in actions
    with pytest.raises(ValidationError):
        consent_withdraw(actor=cast.nairobi_officer, consent=consent, withdrawn_on=today)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"purpose": "data_sharing"}, "shared_with"),
        ({"given_on": timezone.localdate() + dt.timedelta(days=1)}, "given_on"),
        ({"given_by": "self"}, "given_by"),
        ({"purpose": "marketing"}, "purpose"),
    ],
)
def test_bad_consent_is_refused(cast: Any, people: Any, kwargs: dict[str, Any], field: str) -> None:
    child = people.nairobi_child()
    data = {"purpose": "registration", "given_by": "guardian", "given_on": timezone.localdate(), **kwargs}
    with pytest.raises(ValidationError) as info:
        consent_give(actor=cast.nairobi_officer, person=child, **data)
    assert field in info.value.message_dict
    assert not Consent.objects.exists()


def test_photo_needs_consent_and_goes_when_consent_is_withdrawn(
    cast: Any, people: Any, media: Any, django_capture_on_commit_callbacks: Any
) -> None:
    child = people.nairobi_child()
    upload = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    with pytest.raises(ValidationError) as info:
        photo_set(actor=cast.nairobi_officer, person=child, photo=upload)
    assert "consent" in info.value.message_dict["photo"][0]
    consent = consent_give(
        actor=cast.nairobi_officer, person=child, purpose="photo", given_by="guardian", given_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        photo_set(
            actor=cast.nairobi_officer,
            person=child,
            photo=SimpleUploadedFile("x.png", b"<script>", content_type="image/png"),
        )
    photo_set(actor=cast.nairobi_officer, person=child, photo=SimpleUploadedFile("me.png", PNG))
    child.refresh_from_db()
    assert child.photo.name.startswith("registry/photos/") and child.photo.name.endswith(".png")
    assert "me" not in child.photo.name.rsplit("/", 1)[1]  # random file name
    path = media / child.photo.name
    assert path.exists()
    with pytest.raises(ValidationError):
        consent_withdraw(actor=cast.nairobi_officer, consent=consent, withdrawn_on=consent.given_on - dt.timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(actor=cast.nairobi_officer, consent=consent, withdrawn_on=timezone.localdate())
    child.refresh_from_db()
    assert not child.photo
    assert not path.exists()

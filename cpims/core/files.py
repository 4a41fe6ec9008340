"""Private files: where they are kept and how they reach the person allowed to see them.

Downloads (exports, report packs), children's photos and import files are *private objects*:
written to the shared storage (``STORAGES["private"]``, and ``"default"`` for photos), which is the
filesystem under ``var/media`` by default or an S3-compatible bucket (MinIO, S3) when
``CPIMS_STORAGE=s3`` (cpims/settings.py). They never have a public or static URL: a person gets
a file only through a view that runs the scope check first, and Django streams it from the
storage, so any web process on any host serves any file.

A *signed file URL* (``/files/<token>/``) is a short-lived link to one file for one person. The
token is signed with ``SECRET_KEY`` (shared by every web host) and carries the kind of file, its
reference and the user it was made for; it expires after ``CPIMS_FILE_URL_SECONDS``. Fetching it
checks the signature (an expired one is refused with 403), the user (anyone else gets 404) and then
the scope again, through the resolver the owning app registered for that kind in its ``ready()``:

    register_private_file("download", _resolve_download)   # resolver(user, ref, request=...)
    url = signed_file_url(user=user, kind="download", ref=str(download.public_id))

A resolver raises Http404 outside the user's scope (PermissionDenied when read-only), audits the
access as the app's own view does, and returns a ``PrivateFile``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.functional import LazyObject, empty

PRIVATE = "private"  # the STORAGES alias of private objects
_SALT = "cpims.core.files"


class PrivateFileSystemStorage(FileSystemStorage):
    """The filesystem default: files under MEDIA_ROOT/private/, with no URL of their own. The
    folder is read from the settings at each use (tests point MEDIA_ROOT elsewhere)."""

    @property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, "private")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL")


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use and again after STORAGES changes (a
    FileField keeps the storage object it was given when its model class was made)."""

    def _setup(self) -> None:
        self._wrapped = cast(object, storages[PRIVATE])


_private = _PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STORAGES", "MEDIA_ROOT"}:
        _private._wrapped = empty


def private_storage() -> Storage:
    """The shared storage of private objects, for ``FileField(storage=...)`` and direct use."""
    return cast(Storage, _private)


@dataclass(frozen=True)
class PrivateFile:
    """One file a resolver allowed: opened from ``file`` (a FieldFile or File of any storage)."""

    file: File
    filename: str
    content_type: str = "application/octet-stream"
    as_attachment: bool = True


Resolver = Callable[..., PrivateFile]  # resolver(user, ref, *, request) -> PrivateFile
_RESOLVERS: dict[str, Resolver] = {}


def register_private_file(kind: str, resolver: Resolver) -> None:
    """Let signed URLs of ``kind`` reach files through ``resolver`` (call in AppConfig.ready)."""
    _RESOLVERS[kind] = resolver


def stream(private: PrivateFile) -> FileResponse:
    """Stream a file from its storage (filesystem or S3) to the browser; never cached."""
    response = FileResponse(private.file.open("rb"), as_attachment=private.as_attachment, filename=private.filename)
    response["Content-Type"] = private.content_type or "application/octet-stream"
    if not private.as_attachment:
        response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def signed_file_url(*, user: Any, kind: str, ref: str, api: bool = False) -> str:
    """A link to one file for ``user`` alone, valid for ``CPIMS_FILE_URL_SECONDS``: a page URL
    (session sign-in), or with ``api`` the /api/v1/files/ URL (API token or session)."""
    if kind not in _RESOLVERS:
        raise ValueError(f"unknown private file kind {kind!r}")
    token = signing.dumps({"k": kind, "r": str(ref), "u": user.pk}, salt=_SALT, compress=True)
    return reverse("api:files-fetch" if api else "core:private_file", kwargs={"token": token})


def resolve_signed(user: Any, token: str, *, request: HttpRequest | None = None) -> PrivateFile:
    """The file behind a signed token, after the signature, user and scope checks.

    An expired signature is refused (PermissionDenied); a forged or altered token, a token made
    for someone else or a file outside the user's scope is 404, so nothing confirms it exists.
    """
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.CPIMS_FILE_URL_SECONDS)
    except signing.SignatureExpired as exc:
        raise PermissionDenied from exc
    except signing.BadSignature as exc:
        raise Http404 from exc
    if not isinstance(data, dict) or data.get("u") != getattr(user, "pk", None):
        raise Http404
    resolver = _RESOLVERS.get(str(data.get("k")))
    if resolver is None:
        raise Http404
    return resolver(user, str(data.get("r", "")), request=request)

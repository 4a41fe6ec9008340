"""The offline field app (PWA): the shell page, its manifest, its service worker and a session probe.

The shell holds no personal data: the field data live only in the browser's encrypted IndexedDB
store and reach it through /api/v1/offline/ (see docs/offline.md, "The field app on the phone").
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cpims.accounts import permissions as P
from cpims.accounts import scope

# What the app's scripts show, translated here and rendered into the page (no inline script: a
# JSON block the scripts read), so the app speaks the user's language with no connection.
STRINGS = {
    "pin_short": _("The PIN must have at least 6 digits."),
    "pin_mismatch": _("The two PINs differ."),
    "pin_wrong": _("Wrong PIN. Tries left: %(n)s"),
    "wiped_pin": _("Too many wrong PINs: the data on this phone were wiped."),
    "wiped_revoked": _("This phone was revoked: the data on it were wiped."),
    "wiped_session": _("You were signed out: the data on this phone were wiped."),
    "kept_queue": _("You were signed out. Sign in again to send the records still waiting."),
    "server_refused": _("The server could not do this now. Try again later or ask your supervisor."),
    "need_online": _("This needs a connection. Try again when you are online."),
    "registering": _("Registering this phone…"),
    "deriving": _("Opening the encrypted store…"),
    "online": _("Online"),
    "offline": _("Offline"),
    "waiting": _("Waiting to send: %(n)s"),
    "no_cases": _("No cases on this phone. Sync to get your caseload."),
    "bound": _("This phone keeps at most %(n)s of your open cases, the most recently changed, and their children."),
    "no_match": _("No case matches."),
    "not_sent": _("Not yet sent"),
    "service": _("Service"),
    "followup": _("Follow-up"),
    "case_note": _("Note"),
    "child_register": _("Register a child"),
    "intake": _("Record a concern"),
    "kind_service": _("Record a service"),
    "kind_followup": _("Record a follow-up visit"),
    "kind_case_note": _("Add a case note"),
    "no_forms": _("Sync once while online to get the forms."),
    "required": _("This field is required."),
    "too_long": _("At most %(n)s characters."),
    "bad_date": _("Enter a date (YYYY-MM-DD)."),
    "bad_number": _("Enter a whole number."),
    "bad_choice": _("Choose one of the options."),
    "future_date": _("The date cannot be in the future."),
    "saved": _("Saved on this phone. It will be sent at the next sync."),
    "choose": _("Choose…"),
    "none": _("None"),
    "syncing": _("Syncing…"),
    "synced": _("Sync finished."),
    "sync_failed": _("The connection dropped. What was not sent will be sent at the next sync."),
    "status_applied": _("Applied"),
    "status_already_applied": _("Applied"),
    "status_duplicate": _("Possible duplicate"),
    "status_conflict": _("Conflict"),
    "status_invalid": _("Refused: invalid"),
    "status_forbidden": _("Refused: not allowed"),
    "status_waiting": _("Waiting"),
    "status_choice": _("Needs your choice"),
    "duplicate_help": _("This child may already be registered. Link to an existing record or register anyway."),
    "link": _("Link to this child"),
    "register_anyway": _("Register anyway"),
    "conflict_help": _("The record changed on the server since your last sync. Choose which version to keep."),
    "mine": _("Your version"),
    "server": _("Server version"),
    "keep_mine": _("Keep mine"),
    "keep_server": _("Keep the server's"),
    "sent_at": _("Sent"),
    "saved_at": _("Saved"),
    "result": _("Result"),
    "last_sync": _("Last sync: %(when)s"),
    "never": _("never"),
    "case": _("Case"),
    "signout_unsent": _("%(n)s records on this phone have not been sent and will be deleted. Sign out anyway?"),
    "child": _("Child"),
}


# The app shell: what the service worker keeps so the app opens with no connection. The page
# itself (offline:app) is added to these. Order does not matter.
SHELL_STATIC = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "cpims/app.css",
    "cpims/app.js",
    "cpims/favicon.svg",
    "offline/offline.css",
    "offline/js/app.js",
    "offline/js/api.js",
    "offline/js/crypto.js",
    "offline/js/store.js",
    "offline/js/validate.js",
    "offline/js/sync.js",
    "offline/icons/icon.svg",
    "offline/icons/icon-192.png",
    "offline/icons/icon-512.png",
)
# ES module imports name their neighbours without the manifest hash; those URLs are kept too.
_MODULES = tuple(path for path in SHELL_STATIC if path.endswith(".js") and path.startswith("offline/"))


def shell_files() -> list[str]:
    """The shell's static files on disk (for the version and the size test)."""
    found = []
    for path in SHELL_STATIC:
        located = finders.find(path)
        if not located:
            raise FileNotFoundError(path)
        found.append(str(located))
    return found


@lru_cache(maxsize=1)
def shell_version() -> str:
    """A digest of the shell files and the page template: any deploy that changes one makes a new
    cache in every browser (the service worker drops the old one when it activates)."""
    digest = hashlib.sha256()
    for path in shell_files():
        with open(path, "rb") as handle:
            digest.update(handle.read())
    for name in ("offline/app.html", "offline/sw.js"):
        template: Any = get_template(name)
        digest.update(template.template.source.encode())
    return digest.hexdigest()[:16]


def shell_urls() -> list[str]:
    urls = {reverse("offline:app")}
    urls.update(static(path) for path in SHELL_STATIC)
    urls.update(settings.STATIC_URL + path for path in _MODULES)
    return sorted(urls)


class _ShellUser:
    """Stands for the user in the shell's navbar, so the cached shell names nobody."""

    is_authenticated = True

    def get_full_name(self) -> str:
        return str(_("My account"))

    def get_username(self) -> str:
        return ""


@login_required
@require_GET
def app(request: HttpRequest) -> HttpResponse:
    # The field app records casework: only those who work on cases (not stakeholders) get it.
    scope.require_perm(request.user, P.CASE_VIEW)
    language = translation.get_language() or settings.LANGUAGE_CODE
    config = {
        "api": "/api/v1/offline/",
        "session_url": reverse("offline:session"),
        "sw_url": reverse("offline:service_worker"),
        "logout_url": reverse("accounts:logout"),
        "idle_seconds": settings.CPIMS_SESSION_IDLE_SECONDS,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "language": language,
        "version": shell_version(),
        "strings": {key: str(value) for key, value in STRINGS.items()},
    }
    context = {
        "config": config,
        "user": _ShellUser(),
        "manifest_url": reverse("offline:manifest") + f"?lang={language}",
    }
    return render(request, "offline/app.html", context)


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the language asked for (?lang=) or the visitor's own."""
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        body = {
            "name": str(_("CPIMS field app")),
            "short_name": str(_("CPIMS field")),
            "description": str(_("Record children, concerns, services and visits without a connection.")),
            "lang": language,
            "dir": "ltr",
            "id": reverse("offline:app"),
            "start_url": reverse("offline:app"),
            "scope": reverse("offline:app"),
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#ffffff",
            "theme_color": "#0b5394",
            "icons": [
                {"src": static("offline/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("offline/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {
                    "src": static("offline/icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "any maskable",
                },
            ],
        }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
    response["Content-Language"] = language
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, allowed to control the whole site (it only answers for the shell)."""
    context = {
        "version_json": json.dumps(shell_version()),
        "shell_urls_json": json.dumps(shell_urls()),
        "app_url_json": json.dumps(reverse("offline:app")),
        "logout_url_json": json.dumps(reverse("accounts:logout")),
    }
    response = render(request, "offline/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def session(request: HttpRequest) -> JsonResponse:
    """Whether this browser still has a signed-in session; the app wipes its store when not."""
    return JsonResponse({"signed_in": bool(request.user.is_authenticated)})

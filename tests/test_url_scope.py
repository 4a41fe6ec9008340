"""A scope test for every URL in the project, generated from the URL configuration.

Every named URL must have an entry in ROUTES saying which members of the fixed cast may use it;
a new URL without an entry fails ``test_every_url_has_a_scope_entry``. For each route and each
cast member (and anonymous) the test requests the URL with an object that lives in Nairobi
(Westlands) and checks the answer: allowed, 403 (in scope but not permitted), 404 (out of scope),
or, for anonymous, the login page (401/403 on the API).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cpims.care.tests.scope_routes import care_routes
from cpims.cases.tests.scope_routes import EMERGENCY_REVIEWERS, cases_routes
from cpims.court.tests.scope_routes import court_routes
from cpims.ctip.tests.scope_routes import ctip_routes
from cpims.imports.tests.scope_routes import imports_routes
from cpims.intake.tests.scope_routes import intake_routes
from cpims.integrations.dhis2.tests.scope_routes import dhis2_routes
from cpims.integrations.iprs.tests.scope_routes import iprs_routes
from cpims.justice.tests.scope_routes import justice_routes
from cpims.legacy.tests.scope_routes import legacy_routes
from cpims.offline.tests.scope_routes_api import offline_api_routes
from cpims.offline.tests.scope_routes_pages import offline_page_routes
from cpims.privacy.tests.scope_routes import privacy_routes
from cpims.referrals.tests.scope_routes import referrals_routes
from cpims.registry.tests.scope_routes import registry_routes
from cpims.reporting.tests.scope_routes import reporting_routes
from cpims.retention.tests.scope_routes import retention_routes
from cpims.returns.tests.scope_routes import returns_routes

EVERYONE = frozenset(
    {
        "admin",
        "national_me",
        "nairobi_coordinator",
        "turkana_coordinator",
        "nairobi_officer",
        "turkana_officer",
        "partner",
        "stakeholder",
    }
)
STAFF = EVERYONE  # every cast member has at least one role
AUDITORS = frozenset({"admin", "national_me"})
TURKANA = frozenset({"turkana_coordinator", "turkana_officer"})


@dataclass(frozen=True)
class Route:
    ok: frozenset[str]
    hidden: frozenset[str] = frozenset()  # these get 404 (the object is outside their scope)
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda cast: {})
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = field(default=lambda cast: {})
    public: bool = False  # anonymous may use it too
    api: bool = False  # anonymous gets 401/403 instead of a redirect to the login page
    ok_status: frozenset[int] = frozenset({200})


def _westlands_unit(cast: Any) -> dict[str, Any]:
    return {"public_id": cast.nairobi_ngo.public_id}


def _westlands_officer(cast: Any) -> dict[str, Any]:
    return {"public_id": cast.nairobi_officer.public_id}


def _own(cast: Any) -> dict[str, Any]:
    return {}


def _nairobi_token(cast: Any) -> dict[str, Any]:
    from cpims.api.actions import token_issue

    token, _secret = token_issue(actor=cast.admin, user=cast.nairobi_officer, name="scope test")
    return {"public_id": token.public_id}


def _signed_nairobi_download(cast: Any) -> dict[str, Any]:
    """A signed file URL made for the Westlands officer's own finished download."""
    from django.core.files.base import ContentFile

    from cpims.core.files import signed_file_url
    from cpims.reporting.models import Download

    download = Download.objects.create(owner=cast.nairobi_officer, kind="caseload_csv", status=Download.Status.DONE)
    download.file.save("scope.csv", ContentFile(b"a,b\n"), save=True)
    url = signed_file_url(user=cast.nairobi_officer, kind="download", ref=str(download.public_id))
    return {"token": url.rstrip("/").rsplit("/", 1)[1]}


ADMIN_ONLY = frozenset({"admin"})
USER_ADMINS = frozenset({"admin", "nairobi_coordinator", "turkana_coordinator"})
NAIROBI_USER_ADMINS = frozenset({"admin", "nairobi_coordinator"})
OTHER_COUNTY = frozenset({"turkana_coordinator"})


def _westlands_officer_assignment(cast: Any) -> dict[str, Any]:
    return {
        "public_id": cast.nairobi_officer.public_id,
        "assignment_id": cast.nairobi_officer.assignments.get().public_id,
    }


def _failed_task(cast: Any) -> dict[str, Any]:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.create(
        status="FAILED",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="cpims.reporting.tasks.purge_old_downloads",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        worker_ids=["w1"],
        exception_class_path="builtins.RuntimeError",
        traceback="RuntimeError: scope test",
    )
    return {"result_id": result.pk}


ROUTES: dict[str, Route] = {
    "site:home": Route(ok=STAFF),
    "site:task_queue": Route(ok=ADMIN_ONLY),
    "site:task_retry": Route(ok=ADMIN_ONLY, method="post", kwargs=_failed_task, ok_status=frozenset({302})),
    "core:healthz": Route(ok=EVERYONE, public=True),
    "core:livez": Route(ok=EVERYONE, public=True),
    "core:readyz": Route(ok=EVERYONE, public=True),
    "core:metrics": Route(ok=EVERYONE, public=True),  # loopback in tests; a proxied request gets 404
    # A signed file URL is for the one user it was made for: anyone else gets 404.
    "core:private_file": Route(
        ok=frozenset({"nairobi_officer"}), hidden=EVERYONE - {"nairobi_officer"}, kwargs=_signed_nairobi_download
    ),
    # Reference data and organisation units
    "geo:orgunit_list": Route(ok=USER_ADMINS),
    "geo:orgunit_create": Route(ok=USER_ADMINS),
    "geo:area_options": Route(ok=EVERYONE, public=True),
    "geo:orgunit_options": Route(ok=STAFF),
    "geo:orgunit_detail": Route(ok=STAFF - TURKANA, hidden=TURKANA, kwargs=_westlands_unit),
    "geo:orgunit_edit": Route(ok=NAIROBI_USER_ADMINS, hidden=TURKANA, kwargs=_westlands_unit),
    "api:area-list": Route(ok=STAFF, api=True),
    "api:area-detail": Route(ok=STAFF, api=True, kwargs=lambda c: {"key": "sub_county-274"}),
    "api:orgunit-list": Route(ok=STAFF, api=True),
    "api:orgunit-detail": Route(ok=STAFF - TURKANA, hidden=TURKANA, api=True, kwargs=_westlands_unit),
    "api:codelist-list": Route(ok=STAFF, api=True),
    "api:codelist-detail": Route(ok=STAFF, api=True, kwargs=lambda c: {"name": "case_category_id"}),
    # Audit
    "audit:event_list": Route(ok=AUDITORS),
    "audit:event_export": Route(ok=AUDITORS, ok_status=frozenset({200})),
    "api:auditevent-list": Route(ok=AUDITORS, api=True),
    # Accounts
    "accounts:login": Route(ok=EVERYONE, public=True),
    "accounts:logout": Route(ok=EVERYONE, public=True, method="post", ok_status=frozenset({302})),
    "accounts:2fa_setup": Route(ok=STAFF),
    "accounts:2fa_verify": Route(ok=STAFF, ok_status=frozenset({302})),  # already verified: goes on
    "accounts:recovery_codes": Route(ok=STAFF),
    "accounts:profile": Route(ok=STAFF),
    "accounts:password_change": Route(ok=STAFF),
    "accounts:user_list": Route(ok=USER_ADMINS),
    "accounts:user_create": Route(ok=USER_ADMINS),
    "accounts:user_detail": Route(ok=NAIROBI_USER_ADMINS, hidden=OTHER_COUNTY, kwargs=_westlands_officer),
    "accounts:user_edit": Route(ok=NAIROBI_USER_ADMINS, hidden=OTHER_COUNTY, kwargs=_westlands_officer),
    "accounts:assignment_create": Route(ok=NAIROBI_USER_ADMINS, hidden=OTHER_COUNTY, kwargs=_westlands_officer),
    "accounts:assignment_end": Route(
        ok=NAIROBI_USER_ADMINS,
        hidden=OTHER_COUNTY,
        kwargs=_westlands_officer_assignment,
        method="post",
        ok_status=frozenset({302}),
    ),
    "accounts:user_deactivate": Route(
        ok=NAIROBI_USER_ADMINS,
        hidden=OTHER_COUNTY,
        kwargs=_westlands_officer,
        method="post",
        ok_status=frozenset({302}),
    ),
    "accounts:user_reactivate": Route(
        ok=NAIROBI_USER_ADMINS,
        hidden=OTHER_COUNTY,
        kwargs=_westlands_officer,
        method="post",
        ok_status=frozenset({302}),
    ),
    "accounts:user_2fa_reset": Route(
        ok=NAIROBI_USER_ADMINS,
        hidden=OTHER_COUNTY,
        kwargs=_westlands_officer,
        method="post",
        ok_status=frozenset({302}),
    ),
    "api:user-list": Route(ok=USER_ADMINS, api=True),
    "api:user-detail": Route(ok=NAIROBI_USER_ADMINS, hidden=OTHER_COUNTY, kwargs=_westlands_officer, api=True),
    "api:me": Route(ok=STAFF, api=True),
    # API base
    "api:api-root": Route(ok=STAFF, api=True),
    "api:schema": Route(ok=STAFF, api=True),
    "api:docs": Route(ok=STAFF),
    "api:token_list": Route(ok=ADMIN_ONLY),
    "api:token_create": Route(ok=ADMIN_ONLY),
    "api:token_revoke": Route(ok=ADMIN_ONLY, kwargs=_nairobi_token, method="post", ok_status=frozenset({302})),
    "api:apitoken-list": Route(ok=ADMIN_ONLY, api=True),
    "api:apitoken-detail": Route(ok=ADMIN_ONLY, api=True, kwargs=_nairobi_token),
    "api:apitoken-revoke": Route(ok=ADMIN_ONLY, api=True, kwargs=_nairobi_token, method="post"),
    "set_language": Route(
        ok=EVERYONE, public=True, method="post", data=lambda c: {"language": "sw"}, ok_status=frozenset({302})
    ),
}


# Each domain app keeps the entries for its own URLs beside its tests.
ROUTES.update(registry_routes(Route, EVERYONE))
ROUTES.update(cases_routes(Route, EVERYONE))
ROUTES.update(intake_routes(Route, EVERYONE))
ROUTES.update(referrals_routes(Route, EVERYONE))
ROUTES.update(court_routes(Route, EVERYONE))
ROUTES.update(care_routes(Route, EVERYONE))
ROUTES.update(reporting_routes(Route, EVERYONE))
ROUTES.update(returns_routes(Route, EVERYONE))
ROUTES.update(dhis2_routes(Route, EVERYONE))
ROUTES.update(privacy_routes(Route, EVERYONE))
ROUTES.update(retention_routes(Route, EVERYONE))
ROUTES.update(legacy_routes(Route, EVERYONE))
ROUTES.update(justice_routes(Route, EVERYONE))
ROUTES.update(iprs_routes(Route, EVERYONE))
ROUTES.update(ctip_routes(Route, EVERYONE))
ROUTES.update(offline_page_routes(Route, EVERYONE))
ROUTES.update(imports_routes(Route, EVERYONE))
ROUTES.update(offline_api_routes(Route, EVERYONE))


def _api_case(cast: Any) -> dict[str, Any]:
    from cpims.cases.tests.scope_routes import westlands_case

    return {"public_id": westlands_case(cast).public_id}


def _api_child(cast: Any) -> dict[str, Any]:
    from cpims.registry.tests.scope_routes import westlands_child

    return {"public_id": westlands_child(cast).public_id}


def _api_service(cast: Any) -> dict[str, Any]:
    from cpims.cases import actions
    from cpims.cases.tests.scope_routes import westlands_case
    from cpims.core.models import Code

    case = westlands_case(cast)
    record = actions.service_record(
        actor=cast.nairobi_officer,
        child=case.child,
        case=case,
        service=Code.objects.filter(code_list__name="intervention_id").first(),
        given_on=case.reported_on,
        provider=cast.westlands_office,
    )
    return {"public_id": record.public_id}


# Case and child API: case.view / child.view holders see lists (scoped); the Westlands records are
# read by national M&E, worked on by the Nairobi officer and coordinator, and hidden from the rest.
CASE_READERS = frozenset({"national_me", "nairobi_coordinator", "nairobi_officer"})
CASE_WORKERS = frozenset({"nairobi_coordinator", "nairobi_officer"})
NOT_SEEING = frozenset({"turkana_coordinator", "turkana_officer", "partner"})
LISTERS = EVERYONE - {"admin", "stakeholder"}
STEP = frozenset({200, 400, 428})  # allowed through the scope check; the version or the state machine may refuse
TURKANA_HIDDEN = frozenset({"turkana_coordinator", "turkana_officer"})
for _name in ("case-list", "child-list", "child-search"):
    ROUTES[f"api:{_name}"] = Route(
        ok=LISTERS, api=True, method="post" if _name.endswith("search") else "get", ok_status=STEP
    )
# Registering (and so the duplicate check) and recording services need their own permissions.
ROUTES["api:files-fetch"] = Route(
    ok=frozenset({"nairobi_officer"}), hidden=EVERYONE - {"nairobi_officer"}, api=True, kwargs=_signed_nairobi_download
)
ROUTES["api:child-duplicates"] = Route(ok=LISTERS - {"national_me"}, api=True, method="post", ok_status=STEP)
ROUTES["api:servicerecord-list"] = Route(ok=LISTERS - {"national_me"}, api=True)
ROUTES["api:case-detail"] = Route(ok=CASE_READERS, hidden=NOT_SEEING, api=True, kwargs=_api_case)
ROUTES["api:child-detail"] = Route(ok=CASE_READERS, hidden=NOT_SEEING, api=True, kwargs=_api_child)
ROUTES["api:servicerecord-detail"] = Route(ok=CASE_WORKERS, hidden=NOT_SEEING, api=True, kwargs=_api_service)
# Working steps need case.update / case.close (the partner holds neither: 403); approvals need
# case.approve_plan / case.approve_closure, which only coordinators hold.
for _step, workers in (
    ("start-assessment", CASE_WORKERS),
    ("complete-assessment", CASE_WORKERS),
    ("submit-plan", CASE_WORKERS),
    ("propose-closure", CASE_WORKERS),
    ("reopen", CASE_WORKERS),
    ("approve-plan", frozenset({"nairobi_coordinator"})),
    ("return-plan", frozenset({"nairobi_coordinator"})),
    ("approve-closure", frozenset({"nairobi_coordinator"})),
    ("reject-closure", frozenset({"nairobi_coordinator"})),
):
    hidden = TURKANA_HIDDEN if "nairobi_officer" in workers else frozenset({"turkana_coordinator"})
    ROUTES[f"api:case-{_step}"] = Route(
        ok=workers, hidden=hidden, api=True, kwargs=_api_case, method="post", ok_status=STEP
    )
# Emergency accesses: listed for those who answer for the access log (POST: see the cases tests).
ROUTES["api:emergencyaccess-list"] = Route(ok=EMERGENCY_REVIEWERS, api=True)
# No cast member holds intake.submit: only partner systems (role intake_system) do.
ROUTES["api:intake-create"] = Route(ok=frozenset(), api=True, method="post")


def iter_url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>"


def test_every_url_has_a_scope_entry() -> None:
    names = set(iter_url_names())
    missing = sorted(names - set(ROUTES))
    stale = sorted(set(ROUTES) - names)
    assert missing == [], f"URLs without a scope entry in tests/test_url_scope.py: {missing}"
    assert stale == [], f"scope entries for URLs that no longer exist: {stale}"


CASES = [(name, who) for name in sorted(ROUTES) for who in sorted(EVERYONE | {"anonymous"})]


@pytest.mark.parametrize(("name", "who"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_url_scope(name: str, who: str, client: Any, cast: Any, login: Any) -> None:
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(cast) or None)
    if who != "anonymous":
        login(client, cast.users()[who])
    send = getattr(client, route.method)
    response = send(url, route.data(cast)) if route.method == "post" else send(url)
    status = response.status_code
    if who == "anonymous" and not route.public:
        if route.api:
            assert status in (401, 403), f"{name}: anonymous got {status}"
        else:
            assert status == 302 and "/accounts/login/" in response["Location"], f"{name}: anonymous got {status}"
        return
    if who in route.hidden:
        assert status == 404, f"{name}: {who} should get 404, got {status}"
    elif who in route.ok or who == "anonymous":
        assert status in route.ok_status, f"{name}: {who} should be allowed, got {status}"
    else:
        assert status == 403, f"{name}: {who} should get 403, got {status}"

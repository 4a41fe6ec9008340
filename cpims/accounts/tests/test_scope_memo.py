"""scope.can answered once per row, permission and request (scope.request_memo,
ScopeMemoMiddleware); scope.prime answers several permissions in one query."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.middleware import ScopeMemoMiddleware
from cpims.cases.tests.conftest import open_case

PERMS = sorted(
    {
        P.CASE_VIEW,
        P.CASE_UPDATE,
        P.CASE_VIEW_SENSITIVE,
        P.SERVICE_RECORD,
        P.CHILD_VIEW,
        P.CHILD_UPDATE,
        P.CASE_CREATE,
    }
)


def test_memo_gives_the_same_answers_as_a_query_per_permission(cast: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    for user in cast.users().values():
        for obj in (case, case.child, cast.westlands_office):
            plain = {perm: scope.can(user, perm, obj) for perm in PERMS}
            assert scope.prime(user, obj, PERMS) == plain, (user.username, type(obj).__name__)
            with scope.request_memo():
                scope.prime(user, obj, PERMS[:3])
                memo = {perm: scope.can(user, perm, obj) for perm in PERMS}
            assert memo == plain, (user.username, type(obj).__name__)


def test_one_query_for_the_permissions_a_page_primes(cast: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    user = cast.nairobi_officer
    scope.grants_for(user)
    with scope.request_memo(), CaptureQueriesContext(connection) as queries:
        scope.prime(user, case, PERMS)
        answers = [scope.can(user, perm, case) for perm in PERMS]
    assert len(queries) == 1
    assert answers.count(True) >= 3  # an officer may view, update and record services on it


def test_get_for_answers_primed_permissions_with_the_record(cast: Any) -> None:
    """get_for(prime=..., prime_related=...) gives the answers can() gives, in the fetch's query
    (a case in the user's own area or unit: decided from the row's fields)."""
    from cpims.cases.models import Case

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    cases = Case.objects.select_related("office")
    for user in cast.users().values():
        plain = {perm: scope.can(user, perm, case) for perm in PERMS}
        office = {perm: scope.can(user, perm, cast.westlands_office) for perm in PERMS}
        if not plain[P.CASE_VIEW]:
            with pytest.raises(Http404):
                scope.get_for(user, cases, view=P.CASE_VIEW, prime=PERMS, public_id=case.public_id)
            continue
        with scope.request_memo(), CaptureQueriesContext(connection) as queries:
            got = scope.get_for(
                user, cases, view=P.CASE_VIEW, prime=PERMS, prime_related={"office": PERMS}, public_id=case.public_id
            )
            assert {perm: scope.can(user, perm, got) for perm in PERMS} == plain, user.username
            assert {perm: scope.can(user, perm, got.office) for perm in PERMS} == office, user.username
        assert len(queries) == 1
        # Outside a request's memo the primed answers still decide a write.
        if plain[P.CASE_UPDATE]:
            scope.get_for(user, cases, view=P.CASE_VIEW, write=P.CASE_UPDATE, prime=PERMS, public_id=case.public_id)
        else:
            with pytest.raises(PermissionDenied):
                scope.get_for(user, cases, view=P.CASE_VIEW, write=P.CASE_UPDATE, prime=PERMS, public_id=case.public_id)


def test_get_for_asks_the_database_only_what_a_sharing_rule_may_grant(cast: Any) -> None:
    """A case shared with another unit (a referral's access): the answers the row's own fields
    cannot give (the grant reaches it only through the share) come from one more query, and
    equal can()'s; for users whose area holds the case there is no second query."""
    from cpims.cases.actions import case_access_grant
    from cpims.cases.models import Case

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    case_access_grant(actor=cast.nairobi_officer, case=case, org_unit=cast.turkana_central_office, reason="referral")
    shared_with = [u for u in cast.users().values() if scope.can(u, P.CASE_VIEW, case)]
    for user in shared_with:
        plain = {perm: scope.can(user, perm, case) for perm in PERMS}
        with scope.request_memo(), CaptureQueriesContext(connection) as queries:
            got = scope.get_for(user, Case.objects.all(), view=P.CASE_VIEW, prime=PERMS, public_id=case.public_id)
            assert {perm: scope.can(user, perm, got) for perm in PERMS} == plain, user.username
        assert len(queries) <= 2, user.username
    assert scope.can(cast.turkana_officer, P.CASE_VIEW, case)  # through the share only
    with scope.request_memo(), CaptureQueriesContext(connection) as queries:
        scope.get_for(cast.turkana_officer, Case.objects.all(), view=P.CASE_VIEW, prime=PERMS, public_id=case.public_id)
    assert len(queries) == 2
    with scope.request_memo(), CaptureQueriesContext(connection) as queries:
        scope.get_for(cast.nairobi_officer, Case.objects.all(), view=P.CASE_VIEW, prime=PERMS, public_id=case.public_id)
    assert len(queries) == 1


def test_memo_ends_with_the_request(cast: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    user = cast.nairobi_officer
    with scope.request_memo():
        assert scope.can(user, P.CASE_VIEW, case)
    with CaptureQueriesContext(connection) as queries:
        scope.can(user, P.CASE_VIEW, case)
    assert len(queries) == 1  # asked again outside the request: no remembered answer


def test_middleware_memoises_reads_not_writes(rf: RequestFactory, cast: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    seen: list[int] = []

    def view(request: Any) -> Any:
        with CaptureQueriesContext(connection) as queries:
            scope.can(cast.nairobi_officer, P.CASE_VIEW, case)
            scope.can(cast.nairobi_officer, P.CASE_UPDATE, case)
        seen.append(len(queries))
        return None

    middleware = ScopeMemoMiddleware(view)
    scope.grants_for(cast.nairobi_officer)
    middleware(rf.get("/"))
    middleware(rf.post("/"))
    assert seen == [2, 2]
    seen.clear()

    def view_asking_twice(request: Any) -> Any:
        with CaptureQueriesContext(connection) as queries:
            for _ in range(3):
                scope.can(cast.nairobi_officer, P.CASE_VIEW, case)
        seen.append(len(queries))
        return None

    middleware = ScopeMemoMiddleware(view_asking_twice)
    middleware(rf.get("/"))
    middleware(rf.post("/"))
    assert seen == [1, 3]  # remembered within a GET, asked each time in a POST

"""The one scope module: own / org unit / area / national, 404 outside scope, 403 read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from conftest import make_user
from cpims.accounts import permissions as P
from cpims.accounts import scope
from cpims.accounts.models import Assignment, Role, User
from cpims.geo.models import OrgUnit


def codes(qs: Any) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_sub_county_officer_sees_units_of_their_sub_county_only(cast: Any) -> None:
    seen = codes(scope.restrict(cast.nairobi_officer, OrgUnit.objects.all(), P.ORGUNIT_VIEW))
    assert {"DCS-SC274", "NGO-TEST-1"} <= seen
    assert "DCS-SC125" not in seen and "DCS-C023" not in seen and "DCS-SC275" not in seen


def test_county_coordinator_sees_the_whole_county(cast: Any) -> None:
    seen = codes(scope.restrict(cast.nairobi_coordinator, OrgUnit.objects.all(), P.ORGUNIT_VIEW))
    assert {"DCS-C047", "DCS-SC274", "DCS-SC275", "NGO-TEST-1"} <= seen
    assert not any(code in seen for code in ("DCS-C023", "DCS-SC125", "DCS-HQ"))


def test_national_role_sees_everything(cast: Any) -> None:
    qs = scope.restrict(cast.national_me, OrgUnit.objects.all(), P.ORGUNIT_VIEW)
    assert qs.count() == OrgUnit.objects.count()


def test_org_unit_role_sees_only_its_unit(cast: Any) -> None:
    assert codes(scope.restrict(cast.partner, OrgUnit.objects.all(), P.ORGUNIT_VIEW)) == {"NGO-TEST-1"}


def test_permission_not_held_means_nothing(cast: Any) -> None:
    assert not scope.restrict(cast.stakeholder, OrgUnit.objects.all(), P.ORGUNIT_MANAGE).exists()
    assert not scope.has_perm(cast.stakeholder, P.CHILD_VIEW)


def test_get_for_answers_404_outside_scope_and_403_read_only(cast: Any) -> None:
    ngo = cast.nairobi_ngo
    with pytest.raises(Http404):
        scope.get_for(cast.turkana_coordinator, OrgUnit.objects.all(), view=P.ORGUNIT_VIEW, public_id=ngo.public_id)
    with pytest.raises(PermissionDenied):
        scope.get_for(
            cast.nairobi_officer,
            OrgUnit.objects.all(),
            view=P.ORGUNIT_VIEW,
            write=P.ORGUNIT_MANAGE,
            public_id=ngo.public_id,
        )
    found = scope.get_for(
        cast.nairobi_coordinator, OrgUnit.objects.all(), view=P.ORGUNIT_VIEW, write=P.ORGUNIT_MANAGE, pk=ngo.pk
    )
    assert found == ngo


def test_get_for_treats_a_malformed_lookup_as_not_found(cast: Any) -> None:
    with pytest.raises(Http404):
        scope.get_for(cast.national_me, OrgUnit.objects.all(), view=P.ORGUNIT_VIEW, public_id="not-a-uuid")


def test_users_are_in_scope_where_their_assignments_are_without_duplicates(cast: Any) -> None:
    # A second assignment in the same county must not duplicate the user in results.
    Assignment.objects.create(
        user=cast.nairobi_officer, role=Role.objects.get(code="volunteer_officer"), org_unit=cast.nairobi_ngo
    )
    seen = list(scope.restrict(cast.nairobi_coordinator, User.objects.all(), P.USER_VIEW))
    assert seen.count(cast.nairobi_officer) == 1
    assert cast.partner in seen
    assert cast.turkana_officer not in seen


def test_own_scope_reaches_only_the_users_own_records(cast: Any) -> None:
    role = Role.objects.create(code="own_test", name="Own test", scope=Role.Scope.OWN, permissions=[P.USER_VIEW])
    user = make_user("own_scope_user", role.code, cast.westlands_office)
    assert list(scope.restrict(user, User.objects.all(), P.USER_VIEW)) == [user]


def test_ended_assignments_and_closed_units_give_nothing(cast: Any) -> None:
    Assignment.objects.filter(user=cast.nairobi_officer).update(is_active=False)
    fresh = User.objects.get(pk=cast.nairobi_officer.pk)
    assert scope.grants_for(fresh).items == []
    cast.nairobi_ngo.is_active = False
    cast.nairobi_ngo.save()
    partner = User.objects.get(pk=cast.partner.pk)
    assert not scope.has_perm(partner, P.ORGUNIT_VIEW)


def test_inactive_and_anonymous_users_have_no_grants(cast: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert scope.grants_for(AnonymousUser()).items == []
    cast.nairobi_officer.is_active = False
    assert scope.grants_for(cast.nairobi_officer).items == []


def test_grants_are_read_once_per_request(cast: Any, django_assert_num_queries: Any) -> None:
    user = User.objects.get(pk=cast.nairobi_officer.pk)
    with django_assert_num_queries(1):
        for perm in (P.CASE_VIEW, P.CHILD_VIEW, P.USER_MANAGE, P.AUDIT_VIEW):
            scope.has_perm(user, perm)

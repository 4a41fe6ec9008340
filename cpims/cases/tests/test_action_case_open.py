from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cpims.audit.models import AuditEvent
from cpims.cases.actions import case_open
from cpims.cases.models import Case, CaseEvent
from cpims.cases.tests.conftest import categories, code, make_child, open_case


def test_open_numbers_scope_event_and_audit(cast: Any) -> None:
    case = open_case(
        cast.nairobi_officer,
        cast.westlands_office,
        perpetrators=[
            {"name": "Alleged Person", "relationship": code("perpetrator_id", "RCEP"), "sex": "male", "age": 40}
        ],
        immediate_needs=[code("immediate_need_id", "ESAS")],
        risk_level=code("risk_level_id", "RLHG"),
    )
    year = timezone.localdate().year
    assert case.case_number == f"{cast.westlands_office.code}/{year}/00001"
    assert case.status == Case.Status.REPORTED
    assert case.county_id == cast.westlands_office.county_id
    assert case.sub_county_id == cast.westlands_office.sub_county_id
    assert case.categories.count() == 2
    assert case.perpetrators.get().relationship.code == "RCEP"
    assert list(case.immediate_needs.values_list("code", flat=True)) == ["ESAS"]
    assert CaseEvent.objects.filter(case=case, kind="open").count() == 1
    assert AuditEvent.objects.filter(action="case.open", object_id=str(case.public_id)).count() == 1
    second = open_case(cast.nairobi_officer, cast.westlands_office)
    assert second.case_number.endswith("/00002")


def test_bad_input_writes_nothing(cast: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    with pytest.raises(ValidationError) as exc:
        case_open(
            actor=cast.nairobi_officer,
            child=child,
            office=cast.westlands_office,
            reported_on=timezone.localdate() + dt.timedelta(days=1),
            reporter_type=code("risk_level_id", "RLLW"),
            categories=[],
        )
    errors = exc.value.message_dict
    assert "reported_on" in errors and "reporter_type" in errors and "categories" in errors
    assert not Case.objects.exists()


def test_sub_category_must_belong_to_category(cast: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    cats = categories("CSIC")
    cats[0]["sub_category"] = code("risk_level_id", "RLLW")
    with pytest.raises(ValidationError):
        case_open(
            actor=cast.nairobi_officer,
            child=child,
            office=cast.westlands_office,
            reported_on=timezone.localdate(),
            reporter_type=None,
            categories=cats,
        )
    assert not Case.objects.exists()


def test_office_outside_scope_is_refused(cast: Any) -> None:
    child = make_child(cast.nairobi_officer, cast.westlands_office)
    with pytest.raises(PermissionDenied):
        open_case(cast.nairobi_officer, cast.turkana_central_office, child=child)
    assert not Case.objects.exists()


def test_child_outside_scope_is_refused(cast: Any) -> None:
    child = make_child(cast.turkana_officer, cast.turkana_central_office)
    with pytest.raises(PermissionDenied):
        open_case(cast.nairobi_officer, cast.westlands_office, child=child)


def test_sensitive_fields_need_permission(cast: Any) -> None:
    child = make_child(cast.partner, cast.nairobi_ngo)
    with pytest.raises(PermissionDenied):
        open_case(cast.partner, cast.nairobi_ngo, child=child, sensitive_narrative="details")
    case = open_case(cast.partner, cast.nairobi_ngo, child=child)
    assert case.office == cast.nairobi_ngo


@pytest.mark.django_db(transaction=True)
def test_case_number_is_race_free(reference: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent connections")
    from conftest import make_user
    from cpims.accounts import roles as R
    from cpims.geo.models import OrgUnit

    office = OrgUnit.objects.get(code="DCS-SC274")
    officer = make_user("race_officer", R.SUBCOUNTY_OFFICER, office)
    children = [make_child(officer, office, first=f"Race{i}") for i in range(8)]
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(children))

    def work(child: Any) -> None:
        try:
            barrier.wait()
            numbers.append(open_case(officer, office, child=child).case_number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in children]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(numbers)) == len(children)
    serials = sorted(int(n.rsplit("/", 1)[1]) for n in numbers)
    assert serials == list(range(1, len(children) + 1))

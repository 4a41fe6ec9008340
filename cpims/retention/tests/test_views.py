"""The retention pages, as the system administrator; everyone else is refused (403)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cpims.audit.models import AuditEvent
from cpims.retention.models import LegalHold, RetentionRule, RetentionRun
from cpims.retention.tests.conftest import rules

pytestmark = pytest.mark.django_db


def test_schedule_lists_the_rules_with_their_reasons(admin_client: Any) -> None:
    page = admin_client.get(reverse("retention:schedule")).content.decode()
    assert "Closed cases" in page and "7 years" in page
    assert "A dry run must be reviewed before the first real run." in page


def test_schedule_in_kiswahili(admin_client: Any) -> None:
    admin_client.cookies["django_language"] = "sw"
    page = admin_client.get(reverse("retention:schedule"), HTTP_ACCEPT_LANGUAGE="sw").content.decode()
    assert "Ratiba ya kuhifadhi" in page
    assert "Miaka saba baada ya mtoto" in page  # the default reason, translated


def test_others_are_refused(client: Any, cast: Any, login: Any) -> None:
    rules()
    login(client, cast.national_me)
    assert client.get(reverse("retention:schedule")).status_code == 403
    assert client.post(reverse("retention:run_start"), {"mode": "dry"}).status_code == 403
    assert not RetentionRun.objects.exists()


def test_rule_edit_saves_and_refuses_a_stale_edit(admin_client: Any, cast: Any) -> None:
    rule = RetentionRule.objects.get(kind="dismissed_intake")
    url = reverse("retention:rule_edit", kwargs={"public_id": rule.public_id})
    data = {"period": 18, "unit": "months", "enabled": "on", "reason": "Repeated concerns.", "version": rule.version}
    assert admin_client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.period, rule.version) == (18, 2)
    assert AuditEvent.objects.filter(action="retention.rule_update", object_id=str(rule.public_id)).exists()
    stale = admin_client.post(url, {**data, "period": 24, "version": 1})
    assert stale.status_code == 400
    rule.refresh_from_db()
    assert rule.period == 18


@pytest.mark.parametrize("bad", [{"period": 0}, {"period": "x"}, {"unit": "weeks"}, {"period": 10**30}])
def test_rule_edit_bad_input_is_400(admin_client: Any, bad: dict[str, Any]) -> None:
    rule = RetentionRule.objects.get(kind="audit_event")
    url = reverse("retention:rule_edit", kwargs={"public_id": rule.public_id})
    data = {"period": 6, "unit": "years", "reason": "r", "version": rule.version, **bad}
    assert admin_client.post(url, data).status_code == 400


def test_place_and_release_a_hold(admin_client: Any, cast: Any) -> None:
    from cpims.cases.tests.conftest import open_case

    case = open_case(cast.nairobi_officer, cast.westlands_office)
    url = reverse("retention:holds")
    assert admin_client.post(url, {"number": "NOPE-1", "reason": "x"}).status_code == 400
    assert admin_client.post(url, {"number": case.case_number, "reason": "Police investigation"}).status_code == 302
    hold = LegalHold.objects.get(case=case)
    assert admin_client.post(url, {"number": case.child.cpims_number, "reason": "Court case"}).status_code == 302
    assert LegalHold.objects.filter(person=case.child).exists()
    page = admin_client.get(url).content.decode()
    assert case.case_number in page and case.child.first_name not in page  # numbers, never names
    release = reverse("retention:hold_release", kwargs={"public_id": hold.public_id})
    assert admin_client.post(release).status_code == 302
    hold.refresh_from_db()
    assert hold.released_by == cast.admin and not hold.is_active


def test_lists_make_the_same_number_of_queries_for_3_and_30_rows(
    admin_client: Any, cast: Any, django_assert_max_num_queries: Any
) -> None:
    from cpims.cases.tests.conftest import open_case

    case = open_case(cast.nairobi_officer, cast.westlands_office)

    def fill(n: int) -> None:
        for _i in range(n):
            LegalHold.objects.create(case=case, reason="r", placed_by=cast.admin)
            RetentionRun.objects.create(dry_run=True, started_by=cast.admin)

    fill(3)
    counts = {}
    for n in (3, 30):
        if n == 30:
            fill(27)
        for name in ("retention:holds", "retention:runs"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert admin_client.get(reverse(name)).status_code == 200
            counts[(name, n)] = len(ctx.captured_queries)
    assert counts[("retention:holds", 3)] == counts[("retention:holds", 30)]
    assert counts[("retention:runs", 3)] == counts[("retention:runs", 30)]
    with django_assert_max_num_queries(20):
        admin_client.get(reverse("retention:holds"))


def test_dry_run_review_then_real_run_from_the_pages(admin_client: Any, cast: Any) -> None:
    refused = admin_client.post(reverse("retention:run_start"), {"mode": "real"}, follow=True)
    assert "A dry run must be reviewed" in refused.content.decode()
    assert not RetentionRun.objects.filter(dry_run=False).exists()

    response = admin_client.post(reverse("retention:run_start"), {"mode": "dry"})
    run = RetentionRun.objects.get(dry_run=True)
    assert response["Location"] == reverse("retention:run_detail", kwargs={"public_id": run.public_id})
    report = admin_client.get(response["Location"]).content.decode()
    assert "Dry run report" in report and "Would anonymise" in report
    admin_client.post(reverse("retention:run_review", kwargs={"public_id": run.public_id}))
    run.refresh_from_db()
    assert run.reviewed_by == cast.admin

    assert admin_client.post(reverse("retention:run_start"), {"mode": "real"}).status_code == 302
    real = RetentionRun.objects.get(dry_run=False)  # the task ran at once (test backend)
    assert real.status == "done" and real.started_by == cast.admin
    assert (
        "Retention run"
        in admin_client.get(reverse("retention:run_detail", kwargs={"public_id": real.public_id})).content.decode()
    )


def test_unknown_records_are_404(admin_client: Any) -> None:
    import uuid

    for name in ("retention:rule_edit", "retention:run_detail"):
        assert admin_client.get(reverse(name, kwargs={"public_id": uuid.uuid4()})).status_code == 404

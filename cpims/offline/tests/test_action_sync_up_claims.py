"""actions.sync_up: the claim on a client id that makes retries safe, including a request that died
half-way (its claim goes stale) and one still running (the retry waits)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from cpims.cases.models import ServiceRecord
from cpims.cases.tests.conftest import open_case
from cpims.offline import actions
from cpims.offline.models import AppliedItem
from cpims.offline.tests.conftest import item


def _service(case: Any, client_id: uuid.UUID) -> dict[str, Any]:
    data = {"service": "CMTN", "given_on": timezone.localdate().isoformat()}
    return item("service", data, target=case.public_id, client_id=client_id)


def test_a_claim_in_progress_makes_the_retry_wait_and_a_stale_one_is_taken_over(cast: Any, officer_device: Any) -> None:
    case = open_case(cast.nairobi_officer, cast.westlands_office)
    client_id = uuid.uuid4()
    claim = AppliedItem.objects.create(
        user=cast.nairobi_officer, client_id=client_id, device=officer_device, kind="service", status="pending"
    )
    [busy] = actions.sync_up(actor=cast.nairobi_officer, device=officer_device, items=[_service(case, client_id)])
    assert busy.status == "invalid" and "client_id" in busy.errors
    assert not ServiceRecord.objects.exists()
    AppliedItem.objects.filter(pk=claim.pk).update(applied_at=timezone.now() - dt.timedelta(hours=1))
    [done] = actions.sync_up(actor=cast.nairobi_officer, device=officer_device, items=[_service(case, client_id)])
    assert done.status == "applied" and ServiceRecord.objects.count() == 1
    [again] = actions.sync_up(actor=cast.nairobi_officer, device=officer_device, items=[_service(case, client_id)])
    assert (again.status, again.id) == ("already_applied", done.id)


def test_refused_items_release_their_claim(cast: Any, officer_device: Any) -> None:
    turkana = open_case(cast.turkana_officer, cast.turkana_central_office)
    client_id = uuid.uuid4()
    [refused] = actions.sync_up(actor=cast.nairobi_officer, device=officer_device, items=[_service(turkana, client_id)])
    assert refused.status == "forbidden"
    assert not AppliedItem.objects.filter(client_id=client_id).exists()

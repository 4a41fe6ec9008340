"""api:offline-forms, api:offline-sync-log and the OpenAPI schema of the offline endpoints."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cpims.api.tests.schema import clean_schema
from cpims.offline.tests.conftest import device_of, down


def test_forms_schema_follows_the_item_serializers(client: Any, cast: Any, login: Any) -> None:
    login(client, cast.nairobi_officer)
    body = client.get(reverse("api:offline-forms")).json()
    kinds = body["kinds"]
    assert set(kinds) == {"child_register", "intake", "service", "followup", "case_note"}
    child = kinds["child_register"]["fields"]
    assert child["first_name"] == {**child["first_name"], "type": "string", "required": True, "maxLength": 100}
    assert child["sex"]["enum"] and "female" in child["sex"]["enum"]
    assert child["date_of_birth"]["format"] == "date"
    assert child["disability"] == {**child["disability"], "type": "code", "code_list": "disability_type_id"}
    assert child["relatives"]["type"] == "array" and "relationship" in child["relatives"]["items"]["fields"]
    assert "register_anyway" not in child
    assert "external_reference" not in kinds["intake"]["fields"]
    assert kinds["service"]["fields"]["service"]["code_list"] == "intervention_id"
    assert kinds["case_note"]["fields"]["text"]["maxLength"] == 4000
    assert body["limits"]["max_items"] == 100
    # The rules across fields that the serializers and the registry apply, for the PWA.
    assert child["date_of_birth"]["required_without"] == "age_years"
    assert child["ward"] == {**child["ward"], "type": "code", "code_list": "ward", "required": True}
    relative = child["relatives"]["items"]["fields"]
    assert relative["sex"]["required_with"] == "first_name" and relative["last_name"]["required_with"] == "first_name"
    followup = kinds["followup"]["fields"]
    assert followup["due_on"]["required_without"] == followup["purpose"]["required_without"] == "followup"
    login(client, cast.stakeholder)
    assert client.get(reverse("api:offline-forms")).status_code == 403


def test_sync_log_lists_only_the_users_own_devices(client: Any, cast: Any, login: Any) -> None:
    mine = device_of(cast.nairobi_officer)
    theirs = device_of(cast.turkana_officer)
    login(client, cast.turkana_officer)
    down(client, theirs)
    login(client, cast.nairobi_officer)
    down(client, mine)
    rows = client.get(reverse("api:offline-sync-log")).json()
    assert [r["device"] for r in rows] == [str(mine.public_id)]
    assert rows[0]["direction"] == "down" and rows[0]["bytes"] > 0


def test_the_endpoints_are_in_a_clean_openapi_schema() -> None:
    schema = clean_schema("cpims.urls")
    paths = schema["paths"]
    for path in (
        "/api/v1/offline/devices/",
        "/api/v1/offline/devices/{public_id}/revoke/",
        "/api/v1/offline/sync/",
        "/api/v1/offline/forms/",
        "/api/v1/offline/sync-log/",
    ):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/offline/sync/"])

"""api:schema — the OpenAPI schema needs a signed-in user or a token, and validates cleanly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from cpims.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db
URL = reverse("api:schema")


def test_anonymous_gets_401(api_client: Any, cast: Any) -> None:
    response = api_client.get(URL)
    assert response.status_code == 401
    assert "paths" not in response.content.decode()


def test_signed_in_user_gets_the_schema(api_client: Any, cast: Any, login: Any) -> None:
    login(api_client, cast.nairobi_officer)
    response = api_client.get(URL)
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["info"]["title"] == "CPIMS Kenya API"
    assert "/api/v1/api-tokens/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiToken"]["description"],
    }


def test_token_holder_gets_the_schema(api_client: Any, cast: Any, issue: Any) -> None:
    _, secret = issue(cast.partner)
    response = api_client.get(URL, HTTP_ACCEPT="application/vnd.oai.openapi+json", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_schema_validates_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert schema["paths"]

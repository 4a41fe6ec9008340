"""The OpenAPI schema of one app's API, checked the way every app's schema test checks it."""

from __future__ import annotations

from typing import Any


def clean_schema(urlconf: str) -> dict[str, Any]:
    """The schema of ``urlconf``: valid OpenAPI, generated without a drf-spectacular warning."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned or failed while generating the schema"
    return schema

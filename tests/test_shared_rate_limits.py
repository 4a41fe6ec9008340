"""Rate limits count in a cache that every web process and host shares: Redis where REDIS_URL is
set, else a table in the database. A per-process memory cache would let each worker allow the
full limit again."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from cpims.intake import throttle
from tests.test_settings_env import PRODUCTION_ENV, _manage

SHARED = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cpims_cache"}}


def _backend(**env: str) -> str:
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_redis_the_cache_is_the_database() -> None:
    assert _backend(CPIMS_DEMO="true").endswith("db.DatabaseCache")
    assert _backend(**PRODUCTION_ENV).endswith("db.DatabaseCache")
    assert _backend(REDIS_URL="redis://127.0.0.1:6379/0").endswith("redis.RedisCache")


@pytest.mark.django_db(transaction=True)
def test_a_second_process_sees_the_first_ones_count(settings: Any) -> None:
    settings.CPIMS_INTAKE_PUBLIC_PER_HOUR = 3
    request = RequestFactory().post("/report-a-concern/", REMOTE_ADDR="192.0.2.7")
    with override_settings(CACHES=SHARED):
        call_command("createcachetable", verbosity=0)
        assert [throttle.allow(request) for _ in range(3)] == [True, True, True]
        # Another worker has its own cache object, reading the same table.
        other_worker = DatabaseCache("cpims_cache", {})
        assert other_worker.get(throttle._key(request)) == 3
        assert throttle.allow(request) is False

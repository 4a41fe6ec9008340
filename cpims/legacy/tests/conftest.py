from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from cpims.legacy.tests.legacy_schema import Builder, build_small, fill_small


@pytest.fixture
def legacy_db(cast: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A small messy legacy CPIMS database and what the tests look at in it: a SQLite file on
    SQLite runs, a database of its own (uniquely named, dropped afterwards) on PostgreSQL runs."""
    if connection.vendor != "postgresql":
        path = tmp_path / "legacy.sqlite3"
        info = build_small(path)
        info["url"] = f"sqlite:///{path}"
        yield info
        return
    import psycopg
    from psycopg import sql

    settings = connection.settings_dict
    name = f"legacy_src_{uuid.uuid4().hex[:12]}"
    params = {"host": settings["HOST"], "port": settings["PORT"] or 5432, "user": settings["USER"]}
    if settings["PASSWORD"]:
        params["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(dbname=name, **params) as conn:
            info = fill_small(Builder(conn, postgres=True))
        auth = f"{params['user']}:{params['password']}@" if settings["PASSWORD"] else f"{params['user']}@"
        info["url"] = f"postgres://{auth}{params['host']}:{params['port']}/{name}"
        yield info
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

"""The legacy reader: read-only, keyset pages, URLs without passwords."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cpims.legacy.reader import LegacyReader, LegacySourceError, safe_url


def _db(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE reg_person (id INTEGER PRIMARY KEY, first_name TEXT)")
    conn.executemany("INSERT INTO reg_person VALUES (?, ?)", [(i, f"N{i}") for i in range(1, 8)])
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def test_pages_in_key_order_from_where_it_stopped(tmp_path: Path) -> None:
    reader = LegacyReader(_db(tmp_path / "l.sqlite3"))
    pages = [[r["id"] for r in page] for page in reader.pages("reg_person", "id", after=None, size=3)]
    assert pages == [[1, 2, 3], [4, 5, 6], [7]]
    assert [[r["id"] for r in p] for p in reader.pages("reg_person", "id", after="5", size=3)] == [[6, 7]]
    assert reader.has_table("reg_person") and not reader.has_table("ovc_referrals")


def test_the_legacy_database_is_never_written(tmp_path: Path) -> None:
    reader = LegacyReader(_db(tmp_path / "l.sqlite3"))
    with pytest.raises(sqlite3.OperationalError):
        reader.conn.execute("DELETE FROM reg_person")


def test_bad_urls_are_refused_and_passwords_hidden(tmp_path: Path) -> None:
    with pytest.raises(LegacySourceError):
        LegacyReader("mysql://host/db")
    with pytest.raises(LegacySourceError):
        LegacyReader(f"sqlite:///{tmp_path / 'missing' / 'none.sqlite3'}")
    assert safe_url("postgres://reader:s3cret@db.example:5432/cpims") == "postgres://reader:***@db.example:5432/cpims"
    assert safe_url("sqlite:///tmp/x.sqlite3") == "sqlite:///tmp/x.sqlite3"

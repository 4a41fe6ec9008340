#!/usr/bin/env bash
# Restore drill: restore a dump into a scratch database, run the application's integrity checks
# against it (manage.py check_integrity, which prints the counts as JSON), then drop the scratch
# database. Exits non-zero if the restore or a check fails.
#   ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres scripts/restore-drill.sh /backup/cpims-….dump
set -euo pipefail
dump="${1:?usage: restore-drill.sh DUMP}"
: "${ADMIN_URL:?set ADMIN_URL (a database URL whose role may create databases)}"
cd "$(dirname "$0")/.."
scratch="cpims_restore_drill_$$"
base="${ADMIN_URL%/*}"
cleanup() { psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $scratch" >/dev/null 2>&1 || true; }
trap cleanup EXIT
sha="${dump%.dump}.sha256"
if [ -f "$sha" ]; then (cd "$(dirname "$dump")" && grep "$(basename "$dump")" "$(basename "$sha")" | sha256sum --check --quiet); fi
psql -q "$ADMIN_URL" -c "CREATE DATABASE $scratch" >/dev/null
pg_restore --no-owner --exit-on-error --dbname="$base/$scratch" "$dump"
DATABASE_URL="$base/$scratch" "${PYTHON:-.venv/bin/python}" manage.py check_integrity

#!/usr/bin/env bash
# `make stack`: the production topology on this machine, from local services, to try what several
# hosts do (docs/operator-guide.md, "The stack on one machine"):
#   two web processes (gunicorn) on ports 8001 and 8002, two task workers, two schedulers,
#   PostgreSQL at 127.0.0.1:5432 (database `stack`, created when missing), Redis at
#   127.0.0.1:6379 as the shared cache, and moto's S3 server (port 9100) as the private file store.
# Every process shares one database, one cache, one bucket and one secret key, as separate hosts
# would; a file made by a worker is served by either web process. Ctrl-C stops them all.
#
# Settings (environment): STACK_PG_URL (default postgres://postgres@127.0.0.1:5432/stack),
# STACK_REDIS_URL (redis://127.0.0.1:6379/5), STACK_S3_PORT (9100), STACK_WEB_PORTS ("8001 8002"),
# STACK_DEMO_SIZE (small; "full" for the whole demo country), VENV_BIN (.venv/bin).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${VENV_BIN:-.venv/bin}"
PG_URL="${STACK_PG_URL:-postgres://postgres@127.0.0.1:5432/stack}"
REDIS="${STACK_REDIS_URL:-redis://127.0.0.1:6379/5}"
S3_PORT="${STACK_S3_PORT:-9100}"
WEB_PORTS="${STACK_WEB_PORTS:-8001 8002}"
VAR="${CPIMS_STACK_DIR:-$(pwd)/var/stack}"
mkdir -p "$VAR/log"

export CPIMS_ENV=development CPIMS_DEMO=true CPIMS_REQUIRE_2FA=false DEBUG=false
export CPIMS_DEMO_SIZE="${STACK_DEMO_SIZE:-small}"
export CPIMS_VAR_DIR="$VAR"            # one secret key (var/stack/secret_key) for every process
export DATABASE_URL="$PG_URL"
export REDIS_URL="$REDIS"
export CPIMS_STORAGE=s3 CPIMS_S3_BUCKET=cpims-stack CPIMS_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export CPIMS_S3_ACCESS_KEY_ID=stack CPIMS_S3_SECRET_ACCESS_KEY=stack-not-a-secret CPIMS_S3_REGION=us-east-1
export ALLOWED_HOSTS=127.0.0.1,localhost

pids=()
stop() {
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; fi
}
trap stop EXIT INT TERM

# Wait (bounded) until a URL answers; poll, never a fixed sleep.
wait_for() {
  local url="$1" deadline=$((SECONDS + ${2:-60}))
  until "$BIN/python" -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "stack: $url does not answer; logs in $VAR/log/" >&2; exit 1; fi
    sleep 0.2
  done
}

echo "== services"
"$BIN/python" - "$PG_URL" "$REDIS" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
import redis

pg_url, redis_url = sys.argv[1], sys.argv[2]
parts = urlsplit(pg_url)
name = parts.path.lstrip("/")
admin = urlunsplit(parts._replace(path="/postgres"))
try:
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
except psycopg.OperationalError as exc:
    sys.exit(f"stack: PostgreSQL does not answer at {parts.hostname}:{parts.port}: {exc}")
try:
    redis.Redis.from_url(redis_url, socket_timeout=3).ping()
except redis.RedisError as exc:
    sys.exit(f"stack: Redis does not answer at {redis_url}: {exc}")
print("PostgreSQL and Redis answer")
PY

echo "== object store: moto S3 server on 127.0.0.1:$S3_PORT"
"$BIN/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$VAR/log/s3.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$S3_PORT/moto-api/" 30
"$BIN/python" - <<'PY'
import os

import boto3

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["CPIMS_S3_ENDPOINT_URL"],
    region_name=os.environ["CPIMS_S3_REGION"],
    aws_access_key_id=os.environ["CPIMS_S3_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["CPIMS_S3_SECRET_ACCESS_KEY"],
)
bucket = os.environ["CPIMS_S3_BUCKET"]
if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
    s3.create_bucket(Bucket=bucket)
print(f"bucket {bucket} ready (private)")
PY

echo "== database: migrate, reference and demo data (safe to re-run)"
"$BIN/python" manage.py compile_translations --verbosity 0
"$BIN/python" manage.py migrate --noinput --verbosity 0
"$BIN/python" manage.py load_reference
"$BIN/python" manage.py load_demo

echo "== processes"
for i in 1 2; do
  "$BIN/python" manage.py db_worker --verbosity 0 >"$VAR/log/worker-$i.log" 2>&1 &
  pids+=($!)
  "$BIN/python" manage.py run_schedule >"$VAR/log/scheduler-$i.log" 2>&1 &
  pids+=($!)
done
for port in $WEB_PORTS; do
  rm -rf "$VAR/prometheus-$port" && mkdir -p "$VAR/prometheus-$port"
  PROMETHEUS_MULTIPROC_DIR="$VAR/prometheus-$port" "$BIN/gunicorn" cpims.wsgi:application \
    --bind "127.0.0.1:$port" --workers 2 --threads 4 --timeout 120 \
    --access-logfile "$VAR/log/web-$port.access.log" --log-level warning \
    --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms' >"$VAR/log/web-$port.log" 2>&1 &
  pids+=($!)
done
for port in $WEB_PORTS; do wait_for "http://127.0.0.1:$port/livez" 60; done

echo
echo "CPIMS stack is up:"
for port in $WEB_PORTS; do echo "  web        http://127.0.0.1:$port/"; done
echo "  workers    2 x manage.py db_worker      schedulers 2 x manage.py run_schedule"
echo "  database   $PG_URL"
echo "  cache      $REDIS"
echo "  files      s3://$CPIMS_S3_BUCKET at $CPIMS_S3_ENDPOINT_URL (moto)"
echo "  logs       $VAR/log/    demo users: $VAR/demo-credentials.txt"
echo "Ctrl-C stops everything."
# Stop everything when any process ends (a crash shows at once instead of a half-working stack).
wait -n "${pids[@]}"
echo "stack: a process ended; stopping the others (logs in $VAR/log/)" >&2
exit 1

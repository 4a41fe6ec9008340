# syntax=docker/dockerfile:1
# CPIMS Kenya production image: gunicorn (web), manage.py db_worker (worker) and
# manage.py run_schedule (scheduler) all run from this one image (compose.yaml, docs/operator-guide.md).
#
# Base image: pinned by tag, not by digest. python:3.11-slim-bookworm is Debian 12 with Python 3.11,
# the platform the project is tested on. A digest could not be looked up where this file was
# written (no registry access); a site that needs byte-for-byte rebuilds adds
# "@sha256:<digest>" from its own registry mirror here and in the second stage's FROM.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the virtualenv, from the hash-checked requirements only ---------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements/base.txt /tmp/requirements/base.txt
# --require-hashes: only the exact, reviewed package files (every one is a wheel; no compiler).
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements/base.txt

# --- app: code, compiled catalogues and collected static files; runs as a non-root user -------------
FROM ${PYTHON_IMAGE} AS app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=cpims.settings \
    CPIMS_ENV=production \
    CPIMS_VAR_DIR=/app/var \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
RUN groupadd --system --gid 10001 cpims \
    && useradd --system --uid 10001 --gid cpims --home-dir /app --no-create-home --shell /usr/sbin/nologin cpims
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The code stays owned by root: the service user cannot change it.
COPY . /app
# Kiswahili catalogues (.po -> .mo) and the static files (hashed names, compressed copies; served by
# WhiteNoise from /app/var/static). Production settings need a key, a database URL and host names to
# load: throwaway values, used for this step only and never kept in the image.
RUN python manage.py compile_translations --verbosity 0 \
    && SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
       DATABASE_URL=sqlite:////tmp/build.sqlite3 ALLOWED_HOSTS=build.invalid SITE_URL=https://build.invalid \
       CPIMS_ALLOW_CONSOLE_EMAIL=true \
       python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /app/var/media \
    && chown cpims:cpims /app/var/media
USER cpims:cpims
EXPOSE 8000
# Liveness only (/livez touches nothing else); readiness is /readyz (database, cache, task queue).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py", "http://127.0.0.1:8000/livez"]
# The web process. The worker and the scheduler run the same image with another command
# (python manage.py db_worker / python manage.py run_schedule). The Prometheus folder is emptied at
# each start so counts of a previous run do not add up.
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && exec gunicorn cpims.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --threads 4 --timeout 120 --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS:-127.0.0.1}\" --access-logfile - --access-logformat '%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(B)s %(M)sms'"]

"""The one settings module. Everything that differs between machines comes from the environment.

CPIMS_ENV=production turns on every production safeguard and requires SECRET_KEY (or
SECRET_KEY_FILE), DATABASE_URL and ALLOWED_HOSTS; the default "development" needs nothing and keeps
its SQLite database and secrets under the git-ignored var/ folder.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cpims.core.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CPIMS_VAR_DIR", str(BASE_DIR / "var")))

CPIMS_ENV = env_str("CPIMS_ENV", "development")
if CPIMS_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("CPIMS_ENV must be development, production or test.")
PRODUCTION = CPIMS_ENV == "production"

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on in production.")

# Demo mode: the local `make run` data set with printed demo credentials. Never in production.
CPIMS_DEMO = env_bool("CPIMS_DEMO", False)
# How much synthetic data `load_demo` makes (cpims/site/demo.py): "full" (a country: two counties in
# full, two years of cases), "small" (the same shape, a few hundred records: the tests' default) or
# "none" (only each app's handful of demo records).
CPIMS_DEMO_SIZE = env_str("CPIMS_DEMO_SIZE", "small" if CPIMS_ENV == "test" else "full")
if CPIMS_DEMO_SIZE not in {"full", "small", "none"}:
    raise ImproperlyConfigured("CPIMS_DEMO_SIZE must be full, small or none.")
if PRODUCTION and CPIMS_DEMO:
    raise ImproperlyConfigured("CPIMS_DEMO cannot be on in production.")


def _secret_key() -> str:
    key = env_secret("SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY or SECRET_KEY_FILE is required in production.")
    # Outside production a random key is kept in var/ so sessions survive a restart.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Addresses of our own reverse proxies: only from these is X-Forwarded-For believed (audit IPs).
CPIMS_TRUSTED_PROXIES = env_list("CPIMS_TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "cpims.core",
    "cpims.geo",
    "cpims.accounts",
    "cpims.audit",
    "cpims.registry",
    "cpims.cases",
    "cpims.intake",
    "cpims.referrals",
    "cpims.court",
    "cpims.care",
    "cpims.reporting",
    "cpims.returns",
    "cpims.justice",
    "cpims.privacy",
    "cpims.retention",
    "cpims.ctip",
    "cpims.integrations.dhis2",
    "cpims.integrations.iprs",
    "cpims.legacy",
    "cpims.imports",
    "cpims.offline",
    "cpims.api",
    # The application shell, last: it reads what the apps above registered (cpims.core.hooks).
    "cpims.site",
]

MIDDLEWARE = [
    "cpims.core.metrics.MetricsMiddleware",
    "cpims.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cpims.core.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user on every change-history row written during the request (cpims.core.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-otp's, reading the session's device with the user (cpims.accounts.backends).
    "cpims.accounts.middleware.OTPMiddleware",
    "cpims.accounts.middleware.ScopeMemoMiddleware",
    "cpims.accounts.middleware.SessionLimitsMiddleware",
    "cpims.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cpims.core.middleware.NoStoreMiddleware",
    # Last, so a locked-out attempt is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cpims.urls"
WSGI_APPLICATION = "cpims.wsgi.application"

# No "loaders": Django then wraps the filesystem and app loaders in the cached loader, in
# production and in development alike (each template is compiled once per process); runserver's
# autoreloader clears that cache when a template changes, so editing a template needs no restart.
# tests/test_template_loader.py keeps it so.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "cpims.site.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'cpims.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL") if PRODUCTION else env_str("DATABASE_URL", _default_sqlite)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode (CPIMS_PGBOUNCER=true) a session lasts one transaction:
    # no server-side cursors (a named cursor outlives the transaction that declared it) and no
    # prepared statements (psycopg prepares a query after 5 runs; the next transaction may be
    # on another server connection). Persistent connections to PgBouncer itself are fine.
    CPIMS_PGBOUNCER = env_bool("CPIMS_PGBOUNCER", False)
    if CPIMS_PGBOUNCER:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    # Or a pool inside each process (psycopg_pool; Django 5.1+): CPIMS_DB_POOL_MAX_SIZE > 0. A pool
    # replaces persistent connections (CONN_MAX_AGE must be 0) and is not used behind PgBouncer.
    _pool_max = env_int("CPIMS_DB_POOL_MAX_SIZE", 0)
    if _pool_max > 0:
        if CPIMS_PGBOUNCER:
            raise ImproperlyConfigured("Use PgBouncer or CPIMS_DB_POOL_MAX_SIZE, not both.")
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("CPIMS_DB_POOL_MIN_SIZE", 2),
            "max_size": _pool_max,
            "timeout": env_int("CPIMS_DB_POOL_TIMEOUT_SECONDS", 10),
        }
# A streaming replica for report reads (cpims.core.dbrouters): the caseload facts and roll-ups
# behind the tables, dashboards and packs are read there; writes always go to the primary, and the
# facts catch-up runs in the worker only (the replica is read-only).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "CONN_HEALTH_CHECKS": DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
        "DISABLE_SERVER_SIDE_CURSORS": DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS", False),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["cpims.core.dbrouters.ReplicaRouter"]
CPIMS_REPLICA_MODELS = [
    "reporting.casefact",
    "reporting.referralfact",
    "reporting.servicefact",
    "reporting.transferfact",
    "reporting.casemonth",
    "reporting.categorymonth",
    "reporting.caseloadmonth",
    "reporting.followupfact",
    "reporting.followupdue",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The rate limits (API throttles, the public report page) count in the cache, so the cache must be
# shared by every web process and host: Redis where REDIS_URL is set, else a table in the database
# (created after migrate). Tests keep a per-process memory cache.
if env_str("REDIS_URL", "") != "":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}}
elif CPIMS_ENV == "test":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cpims_cache"}}

# --- Background tasks -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periodic tasks, enqueued by `manage.py run_schedule` (cpims.core.schedule): (dotted task path,
# when), when being seconds between runs, "HH:MM" daily or "monthly D,D HH:MM", in Nairobi time.
CPIMS_SCHEDULE: list[tuple[str, int | str]] = [
    ("cpims.reporting.tasks.refresh_facts", 5 * 60),  # fold record changes into caseload facts
    ("cpims.returns.tasks.send_return_reminders", "08:00"),  # overdue monthly returns, office hours
    ("cpims.reporting.tasks.purge_old_downloads", "02:30"),  # finished downloads expire, at night
    ("cpims.core.tasks.recover_stuck_tasks", 5 * 60),  # tasks a dead worker left "running"
    ("cpims.retention.tasks.apply_retention", "03:00"),  # the retention schedule (docs/data-protection.md)
    ("cpims.cases.jobs.end_expired_access", 60 * 60),  # record the end of expired case access
    ("cpims.audit.tasks.maintain_partitions", "01:30"),  # the audit log's monthly partitions (PostgreSQL)
    ("cpims.imports.tasks.expire_unimported_uploads", "02:45"),  # uploads checked, never imported
]
# Bulk import (docs/imports.md): an upload checked but never imported is deleted after this many days.
CPIMS_IMPORT_KEEP_DAYS = env_int("CPIMS_IMPORT_KEEP_DAYS", 7)
# Audit events are kept this many months, then their month's partition is dropped (PostgreSQL,
# partitioned audit table only); 0 keeps every month.
CPIMS_AUDIT_KEEP_MONTHS = env_int("CPIMS_AUDIT_KEEP_MONTHS", 0)
# A task running longer than this was left by a dead worker: re-queued (with back-off) until it
# has had this many attempts, then failed with the reason. /readyz fails while the oldest waiting
# task has waited longer than the lag limit, or a task is stuck.
CPIMS_TASK_TIMEOUT_SECONDS = env_int("CPIMS_TASK_TIMEOUT_SECONDS", 30 * 60)
CPIMS_TASK_MAX_ATTEMPTS = env_int("CPIMS_TASK_MAX_ATTEMPTS", 3)
CPIMS_QUEUE_LAG_LIMIT_SECONDS = env_int("CPIMS_QUEUE_LAG_LIMIT_SECONDS", 10 * 60)
# Data Protection Act 2019: a partner's access to a case lasts this long after its referral is
# completed or the case is closed; an emergency ("break-the-glass") access lasts this many hours.
CPIMS_PARTNER_ACCESS_GRACE_DAYS = env_int("CPIMS_PARTNER_ACCESS_GRACE_DAYS", 30)
CPIMS_EMERGENCY_ACCESS_HOURS = env_int("CPIMS_EMERGENCY_ACCESS_HOURS", 4)
if CPIMS_ENV == "test":
    # Tests run background work at once, in the same transaction, so they can assert its result.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading the user's grants (and the session's device) with the user.
    "cpims.accounts.backends.UserBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: 5 failures for one username within 15 minutes locks it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# By username only: a sub-county office reaches us through one NAT address, and locking that
# address would lock out every officer in the office after one person's typos.
AXES_LOCKOUT_PARAMETERS = ["username"]
# models.W040: the facts' covering indexes (INCLUDE columns) serve PostgreSQL; SQLite, the embedded
# default, builds them without the extra columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cpims.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

# Two-factor authentication is required for roles that see identified child data. Only a local
# demo may relax it (CPIMS_REQUIRE_2FA=false), never production.
CPIMS_REQUIRE_2FA = env_bool("CPIMS_REQUIRE_2FA", True)
if PRODUCTION and not CPIMS_REQUIRE_2FA:
    raise ImproperlyConfigured("CPIMS_REQUIRE_2FA cannot be off in production.")
OTP_TOTP_ISSUER = "CPIMS Kenya"

# Sessions: 30 minutes idle, 12 hours absolute.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CPIMS_SESSION_IDLE_SECONDS = env_int("CPIMS_SESSION_IDLE_SECONDS", 30 * 60)
CPIMS_SESSION_ABSOLUTE_SECONDS = env_int("CPIMS_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = CPIMS_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "en"
FORMAT_MODULE_PATH = ["cpims.core.formats"]  # English dates day-first, as written in Kenya
LANGUAGES = [("en", _("English")), ("sw", _("Kiswahili"))]
LOCALE_PATHS: list[str] = []  # each app keeps its own locale/ folder
USE_I18N = True
TIME_ZONE = "Africa/Nairobi"
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Private objects (downloads, report packs, photos, import files; cpims/core/files.py) live in one
# storage shared by every web process, worker and host: the filesystem under var/media (the
# embedded default; one host, or a shared mount) or, with CPIMS_STORAGE=s3, a bucket behind the S3
# API (MinIO, S3, moto in `make stack`). The bucket stays private: no public ACL, no static URL;
# files reach a browser only through the scope-checked views, streamed by Django.
CPIMS_STORAGE = env_str("CPIMS_STORAGE", "filesystem")
if CPIMS_STORAGE not in {"filesystem", "s3"}:
    raise ImproperlyConfigured("CPIMS_STORAGE must be filesystem or s3.")
# How long a signed file URL (/files/<token>/) stays valid.
CPIMS_FILE_URL_SECONDS = env_int("CPIMS_FILE_URL_SECONDS", 5 * 60)
_default_storage: dict[str, object]
_private_storage: dict[str, object]
if CPIMS_STORAGE == "s3":
    _s3 = {
        "bucket_name": env_str("CPIMS_S3_BUCKET"),
        "endpoint_url": env_str("CPIMS_S3_ENDPOINT_URL", "") or None,  # empty: AWS S3 itself
        "region_name": env_str("CPIMS_S3_REGION", "us-east-1"),
        # Without keys, boto3 looks for credentials itself (instance role, ~/.aws).
        "access_key": env_secret("CPIMS_S3_ACCESS_KEY_ID"),
        "secret_key": env_secret("CPIMS_S3_SECRET_ACCESS_KEY"),
        "default_acl": None,  # the bucket's own (private) policy; never public-read
        "querystring_auth": True,  # any URL the storage makes is signed and short-lived
        "querystring_expire": CPIMS_FILE_URL_SECONDS,
        "file_overwrite": False,  # a second file of the same name gets a new name, as on disk
        "addressing_style": "path",  # MinIO and moto answer on one host name
        "signature_version": "s3v4",
        "max_memory_size": 8 * 1024 * 1024,  # a file streamed to a browser spools to disk past 8 MB
    }
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "media"}}
    _private_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "private"}}
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    }
    # Under MEDIA_ROOT/private, read at each use.
    _private_storage = {"BACKEND": "cpims.core.files.PrivateFileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if not PRODUCTION:
    # Serve app static files straight from their folders (no collectstatic for `make run` or tests).
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded files (photos, documents) live outside static and are only served through scoped views.
MEDIA_ROOT = VAR_DIR / "media"

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: counts requests without credentials before a permission check refuses them.
        "cpims.api.throttling.AnonymousRateLimit",
        "cpims.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "cpims.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "cpims.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "cpims.api.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute", "user": "600/minute"},
    # JSON only: DRF's browsable pages need inline scripts our CSP forbids; /api/v1/docs/ is the
    # human-readable documentation.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CPIMS Kenya API",
    "DESCRIPTION": "Child Protection Information Management System — partner and device API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or "sex" choice: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "OrgUnitKindEnum": "cpims.geo.models.OrgUnit.Kind",
        "PersonKindEnum": "cpims.registry.models.Person.Kind",
        "RelationshipKindEnum": "cpims.registry.models.Relationship.Kind",
        "SubjectRequestKindEnum": "cpims.privacy.models.SubjectRequest.Kind",
        "BreachNoticeKindEnum": "cpims.privacy.models.BreachNotice.Kind",
        "PersonSexEnum": "cpims.registry.models.Person.Sex",
        "PerpetratorSexEnum": "cpims.cases.models.Perpetrator.Sex",
        "CtipAssistanceKindEnum": "cpims.ctip.models.Assistance.Kind",
        "CtipReturnKindEnum": "cpims.ctip.models.Return.Kind",
        "CtipTracingOutcomeEnum": "cpims.ctip.models.Tracing.Outcome",
        "CtipFollowUpStatusEnum": "cpims.ctip.models.FollowUp.Status",
    },
}

# --- IPRS (national population register) -----------------------------------------------------
# See docs/iprs.md. Empty URL: checks are switched off (the button says so). The secret is read
# when a check is made (CPIMS_IPRS_SECRET or CPIMS_IPRS_SECRET_FILE), never kept in settings.
IPRS_URL = env_str("CPIMS_IPRS_URL", "")
if IPRS_URL and not IPRS_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("CPIMS_IPRS_URL must start with https:// (or http:// on a private network).")
IPRS_USERNAME = env_str("CPIMS_IPRS_USERNAME", "")
IPRS_TIMEOUT_SECONDS = env_int("CPIMS_IPRS_TIMEOUT_SECONDS", 10)
if not 1 <= IPRS_TIMEOUT_SECONDS <= 120:
    raise ImproperlyConfigured("CPIMS_IPRS_TIMEOUT_SECONDS must be between 1 and 120.")

# --- Logging: no personal data, only events and ids -------------------------------------------
# LOG_FORMAT=json (the production default) writes one JSON object per line for a log shipper;
# every line carries the request id and, in the worker, the task id.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(task_id)s] %(message)s"},
        "json": {
            "()": "cpims.core.logfilters.JsonLines",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {
        "forbidden_one_line": {"()": "cpims.core.logfilters.ForbiddenOneLine"},
        "ids": {"()": "cpims.core.logfilters.RequestAndTaskIds"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["ids"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs the typed user name of every failed sign-in at WARNING; our audit log
        # already records sign-ins, and logs must not hold personal data.
        "axes": {"level": "ERROR"},
        # Every 403 as one line (method, path, user id), not a traceback per refusal.
        "django.request": {"filters": ["forbidden_one_line"]},
    },
}

# --- Children in conflict with the law (cpims.justice; reasons in docs/justice.md) ----------------
# Longest a child may be held on remand before the case is determined: an alert from the next day.
JUSTICE_REMAND_LIMIT_DAYS = env_int("JUSTICE_REMAND_LIMIT_DAYS", 180)
# A disposition order expiring within this many days is on the task list.
JUSTICE_ORDER_WARNING_DAYS = env_int("JUSTICE_ORDER_WARNING_DAYS", 30)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Production sends real mail: reminders and notices written to a console nobody reads are lost.
if (
    PRODUCTION
    and EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    and not env_bool("CPIMS_ALLOW_CONSOLE_EMAIL", False)
):
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is the console in production: set an SMTP backend (EMAIL_BACKEND, EMAIL_HOST …) "
        "or CPIMS_ALLOW_CONSOLE_EMAIL=true to accept that no e-mail leaves the server."
    )
# /metrics: a Prometheus scraper sends this bearer token; without one, only direct loopback requests.
CPIMS_METRICS_TOKEN = env_secret("CPIMS_METRICS_TOKEN") or ""
# Error reports (self-hosted Sentry or GlitchTip); off unless SENTRY_DSN is set. No personal data:
# no request bodies, cookies, users or local variables are sent.
SENTRY_DSN = env_secret("SENTRY_DSN") or ""
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=CPIMS_ENV,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
    )
# Links in e-mails point here (never at the host name a request happened to use).
SITE_URL = env_str("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL (https://…, the address users open) is required in production.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cpims@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20

"""Settings for every environment, read from the process environment.

Variables (see ``.env.example``): ``DEBUG``, ``SECRET_KEY``, ``DATABASE_URL``, ``DATABASE_REPLICA_URL`` (a
streaming replica that the most-read views read from: ``common/replica``), ``ALLOWED_HOSTS``,
``CSRF_TRUSTED_ORIGINS``, ``REDIS_URL``, ``TRUSTED_PROXIES``, ``SESSION_IDLE_MINUTES``, ``SESSION_MAX_HOURS``,
``SECURE_SSL_REDIRECT``, ``FILE_STORAGE`` and, for ``s3``, ``S3_BUCKET``, ``S3_ENDPOINT_URL``,
``S3_ACCESS_KEY_ID``, ``S3_SECRET_ACCESS_KEY``, ``S3_REGION``, ``S3_PREFIX``, ``S3_ADDRESSING_STYLE``, ``S3_ACL``.
Nothing here reads the database or the network at import time.

Files (uploaded workbooks and the copies with their errors marked, prepared reports, meeting minutes) are kept
in the "default" storage, chosen by ``FILE_STORAGE``: ``filesystem`` (``MEDIA_ROOT``, which every process running
jobs must then share) or ``s3`` (a private bucket of an S3-compatible store, so that Celery workers on other
machines need only the broker and the database). The app hands files out only through its own views, after the
scope check: never a public or presigned link.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def shared_cache(redis_url: str) -> dict:
    """One cache for every gunicorn worker (and the Celery workers): the API throttle's counts live there.
    Redis when configured; otherwise a database table, which ``migrate`` creates (``accounts.apps``)."""
    if redis_url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": "pp"}
    # Culling (a third of the rows once full) would forget throttle counts: room for many times the users.
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "povertyplan_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "accounts",
    "jobs",
    "standards",
    "households",
    "offline",
    "programmes",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside everything below, so that it marks every answer to a signed-in user: pages, downloads, lockout, errors.
    "povertyplan.middleware.NoStoreMiddleware",
    # Ends idle and old sessions (SESSION_IDLE_TIMEOUT, SESSION_MAX_AGE) before any view sees them.
    "accounts.sessions.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.audit.AuditDownloadsMiddleware",
    # Last, as django-axes requires: refuses logins of a locked-out username and address.
    "axes.middleware.AxesMiddleware",
]

# History is read object by object (a household's, a review's, a household's members'), never by date across
# objects: no index on history_date, which every history row would pay for (600,000 rows an import of
# 100,000 households).
SIMPLE_HISTORY_DATE_INDEX = False

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one username from one address lock them for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address, not the TLS proxy's: with the proxy's, five wrong passwords from anywhere locked the
# username for everyone (povertyplan/client_address.py).
AXES_CLIENT_IP_CALLABLE = "common.client_address.client_ip"

# The proxies in front of gunicorn (addresses or networks, e.g. 127.0.0.1 for nginx on the same host); their
# X-Forwarded-For tells the client's address. Empty: the connection's own address, headers ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# argon2id at OWASP's parameters (accounts/hashers.py); hashes of the others still verify and are rewritten with
# argon2id at the user's next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after its sign-in
# whatever happens (accounts.sessions.SessionLifetimeMiddleware); the cookie never outlives the latter.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_MAX_AGE = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_AGE

# Everything the pages load comes from this site: vendored Chart.js, Leaflet, Swagger UI (sidecar).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "povertyplan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "povertyplan.wsgi.application"


def database(url: str) -> dict:
    """The connection settings of ``url``. On SQLite, write-ahead logging lets the pages read while an import
    commits in its own process (with the default rollback journal every read waits for the writer, and fails
    with "database is locked" after the timeout); a write waits up to 20 s for another."""
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    elif work_mem := os.environ.get("DATABASE_WORK_MEM", "32MB"):
        # A common name matches half a million households of the country; with PostgreSQL's default 4 MB the
        # search's bitmap goes lossy and reads every page it names (14 s at 5M households, 0.22 s from 16 MB up:
        # bench/national.py). Per sort or hash of a query, not per connection. "" leaves the server's own.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c work_mem={work_mem}".strip()
    return config


# SQLite in the project folder when DATABASE_URL is unset: the first run needs no server.
DATABASES = {"default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}

# A PostgreSQL streaming replica of DATABASE_URL (hot standby). The statistics API, the dashboard, the report pages
# and files and the API's lists read the tables of REPLICA_APPS there, in GET requests, unless the user's own
# writes are not replayed there yet (common/replica). Unset: every query on DATABASE_URL.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_APPS = ["households", "standards", "programmes", "reports"]
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL in DATABASE_URL (a streaming replica).")
    DATABASES["replica"] = database(DATABASE_REPLICA_URL)
    # A replica that does not answer costs a request this long (s) before it reads from the primary.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASE_ROUTERS = ["common.replica.router.ReplicaRouter"]
    # After the authentication: what it does after the view needs the user (DRF sets an API token's there too).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "common.replica.middleware.ReplicaWritesMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Numbers grouped as 1.500.000 in Vietnamese (povertyplan/formats/vi).
FORMAT_MODULE_PATH = ["povertyplan.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))


def file_storage(kind: str) -> dict:
    """The "default" storage for ``FILE_STORAGE``: ``filesystem`` or ``s3`` (django-storages' S3Storage)."""
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"FILE_STORAGE must be 'filesystem' or 's3', not {kind!r}.")
    bucket = os.environ.get("S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET.")
    endpoint = os.environ.get("S3_ENDPOINT_URL") or None
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": os.environ.get("S3_REGION") or None,
        "location": os.environ.get("S3_PREFIX", "").strip("/"),
        # Every clerk uploads "mau-nhap-ho-gia-dinh-<code>.xlsx": with django-storages' default (overwrite) a
        # second upload of the name would replace the first job's workbook, which its commit then reads.
        "file_overwrite": False,
        # ``url()`` gives a plain address the private bucket refuses, never a presigned one that anybody holding
        # it could open: files leave only through the app's views, after the scope check.
        "querystring_auth": False,
        # No ACL header unless asked: AWS buckets made since 2023 have ACLs disabled and refuse any but
        # bucket-owner-full-control; the objects are private to the bucket's owner either way.
        "default_acl": os.environ.get("S3_ACL") or None,
        # A file read back (a workbook checked, a report downloaded) is staged in memory up to this, then on the
        # local temporary disk, which is the process's own.
        "max_memory_size": 16 * 2**20,
        # Most S3-compatible servers (MinIO, Ceph) answer on one host name: the bucket goes in the path.
        "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or ("path" if endpoint else None),
    }
    # Unset keys are left to boto3's own chain (AWS_* variables, an instance's role).
    if access_key := os.environ.get("S3_ACCESS_KEY_ID"):
        options.update(access_key=access_key, secret_key=os.environ.get("S3_SECRET_ACCESS_KEY", ""))
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


FILE_STORAGE = os.environ.get("FILE_STORAGE", "").strip().lower() or "filesystem"
STORAGES = {
    "default": file_storage(FILE_STORAGE),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.LockoutAwareTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, the JSON one refusing a body nested too deep with a 400 (a RecursionError, a 500, in DRF's).
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.StandardPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "common.renderers.CSVRenderer",
        "common.renderers.XLSXRenderer",
    ],
    # Per token (or session user), counted in the shared cache: a runaway client cannot starve the officers' pages.
    # Two error shapes ({field: [messages]} and {detail: message}), as the OpenAPI description says.
    "EXCEPTION_HANDLER": "common.api_errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_THROTTLE_RATE", "5000/hour")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Povertyplan API",
    "DESCRIPTION": "Statistics of the provincial poverty-reduction programme.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "povertyplan.openapi.add_error_responses",
        "povertyplan.openapi.document_csv_columns",
        "povertyplan.openapi.name_parameter_enums",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ReviewStatusEnum": "households.models.reviews.STATUS_CHOICES",
        "HouseholdStatusEnum": "households.models.registry.HouseholdStatus",
        "UnitLevelEnum": "households.models.UnitLevel",
        "SyncChangeKindEnum": "offline.models.ChangeKind",
        # One value each, so that a client tells the two shapes of the statistics apart by it.
        "StatisticsWideShapeEnum": "reports.api.serializers.WIDE_SHAPE",
        "StatisticsLongShapeEnum": "reports.api.serializers.LONG_SHAPE",
    },
}

# Uploaded workbooks larger than this are refused with a message (bytes; 128 MiB by default: the fullest
# members sheet Excel holds, 262,144 households' workbook, is 84 MiB).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "128")) * 2**20
# Before a workbook is read, each sheet (each part of the zip) must be at most IMPORT_MAX_SHEET_MB once
# uncompressed and have at most IMPORT_MAX_ROWS rows: the most Excel holds (1,048,576 rows; the members sheet
# of 262,144 households is 917 MiB of XML written with inline strings), which the import reads a part at a
# time (households/imports/sheet_chunks.py); a small file that unpacks to more does not (upload.py).
IMPORT_MAX_SHEET_MB = int(os.environ.get("IMPORT_MAX_SHEET_MB", "1200"))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1048576"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 2**20

# Celery: a broker only when Redis is configured; without it jobs run in the web process or a process of their
# own (jobs.runner).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Shared by every process: not Django's default, a cache of each worker's own memory.
CACHES = {"default": shared_cache(REDIS_URL)}
# A user is told whether a citizen ID is registered outside their area (household form, import) at most this
# many times a day; past it such an ID is refused without an answer (households.selectors.cccd_owners).
CCCD_FOREIGN_LOOKUPS_PER_DAY = int(os.environ.get("CCCD_FOREIGN_LOOKUPS_PER_DAY", "200"))
# A village meeting's minutes (a PDF or a photo) may be at most this large.
MINUTES_MAX_BYTES = int(os.environ.get("MINUTES_MAX_MB", "10")) * 2**20

# Reports: a download of more households than this is prepared in the background (a job with progress);
# the page shows the first REPORT_PAGE_HOUSEHOLDS of a list; a PDF stops at REPORT_PDF_MAX_HOUSEHOLDS.
REPORT_INLINE_HOUSEHOLDS = int(os.environ.get("REPORT_INLINE_HOUSEHOLDS", "2000"))
REPORT_PAGE_HOUSEHOLDS = int(os.environ.get("REPORT_PAGE_HOUSEHOLDS", "200"))
REPORT_PDF_MAX_HOUSEHOLDS = int(os.environ.get("REPORT_PDF_MAX_HOUSEHOLDS", "5000"))
# A running job without a sign of life for this long (seconds) is marked failed (``manage.py fail_stale_jobs``,
# a worker's start, or opening the job's page); a job whose process is gone from this host fails at once.
JOB_STALE_AFTER = int(os.environ.get("JOB_STALE_AFTER", "900"))
# Without Redis, an import of more rows than this (all sheets) runs in a process of its own (``manage.py
# run_job``) and the page follows its progress; a smaller one runs in the request, as does any job on an
# in-memory SQLite database, which no other process can see.
JOB_INLINE_MAX_ROWS = int(os.environ.get("JOB_INLINE_MAX_ROWS", "2000"))
# Without Redis, long jobs (large imports, long reports) run in a process of their own; off, they run in the request.
JOB_OWN_PROCESS = env_bool("JOB_OWN_PROCESS", True)
# Offline work (the ``offline`` app): each officer's downloads and syncs have rates of their own, and a phone
# clears what it downloaded after this many days without a sync.
OFFLINE_DOWNLOAD_RATE = os.environ.get("OFFLINE_DOWNLOAD_RATE", "60/hour")
OFFLINE_SYNC_RATE = os.environ.get("OFFLINE_SYNC_RATE", "120/hour")
OFFLINE_KEEP_DAYS = int(os.environ.get("OFFLINE_KEEP_DAYS", "14"))

# Production hardening; relaxed only when DEBUG is on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
}

# Without collected static files (development, tests) WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

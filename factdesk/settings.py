"""FactDesk settings: one file, read from the environment.

Every variable is documented in the README. Defaults run on a fresh machine with nothing but
Python: SQLite in ``var/`` and Celery's filesystem broker. Production sets ``DATABASE_URL``
(PostgreSQL), ``CELERY_BROKER_URL`` (Redis or RabbitMQ), ``SECRET_KEY``, ``ALLOWED_HOSTS``.
"""
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from factdesk.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("FACTDESK_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return key
    # Local runs get a random key kept beside the database, so sessions survive restarts
    # and no key is ever committed. Production must set SECRET_KEY.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "articles",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "articles.middleware.UploadLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "factdesk.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "factdesk.urls"
WSGI_APPLICATION = "factdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "factdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'factdesk.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0))
except Exception as exc:  # dj-database-url raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db.get("ENGINE") == "django.db.backends.sqlite3":
    # The web app and the worker write to one file: wait for the lock instead of failing,
    # and let readers run beside a writer.
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _db.setdefault("TEST", {})["NAME"] = str(DATA_DIR / "test-factdesk.sqlite3")
else:
    _db["CONN_HEALTH_CHECKS"] = True
    # pgvector's HNSW search looks at this many candidates for the semantic branch's 40 nearest
    # claims: the default (40) returns about as many as it looks at, so some true neighbours are
    # missed; 100 finds them at a small cost (README: Matching). No JIT: the desk's queries are
    # short, and the claims queue's correlated subqueries made PostgreSQL spend 1.4 s compiling
    # one 1.5 s statement at 100k claims (bench/review_bench.py).
    _db.setdefault("OPTIONS", {}).setdefault("options", "-c hnsw.ef_search=100 -c jit=off")
DATABASES = {"default": _db}
IS_POSTGRES = _db["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claims:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # collectstatic writes here; WhiteNoise serves it
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "factdesk" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Security: safe defaults everywhere; HTTPS-only cookies and HSTS when served over TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL = env_bool("SECURE_SSL", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None

# Cache: per-process memory by default; production with several web processes sets CACHE_URL
# (redis://host:6379/1) so login throttling and API throttles are shared between them.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, got {CACHE_URL!r}")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "factdesk"}
}

# Sign-in throttling: this many failed sign-ins for one username locks it out for a while.
FACTDESK_LOGIN_MAX_ATTEMPTS = env_int("FACTDESK_LOGIN_MAX_ATTEMPTS", 5, minimum=1)
FACTDESK_LOGIN_LOCKOUT_SECONDS = env_int("FACTDESK_LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
# Per address the limit is higher: a newsroom often signs in from one shared address.
FACTDESK_LOGIN_MAX_ATTEMPTS_PER_IP = env_int("FACTDESK_LOGIN_MAX_ATTEMPTS_PER_IP", 25, minimum=1)

# Request limits: uploads above this are refused with a clear page, not a 500.
FACTDESK_MAX_UPLOAD_BYTES = env_int("FACTDESK_MAX_UPLOAD_BYTES", 5_000_000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = FACTDESK_MAX_UPLOAD_BYTES + 1_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = FACTDESK_MAX_UPLOAD_BYTES
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("FACTDESK_MAX_UPLOAD_FILES", 50, minimum=1)

# Importing and fetching.
FACTDESK_MAX_ARTICLE_BYTES = env_int("FACTDESK_MAX_ARTICLE_BYTES", 5_000_000, minimum=1)
FACTDESK_FETCH_TIMEOUT = env_float("FACTDESK_FETCH_TIMEOUT", 10.0, minimum=0.1, maximum=300)
FACTDESK_FETCH_MAX_BYTES = env_int("FACTDESK_FETCH_MAX_BYTES", 5_000_000, minimum=1)
# Private, loopback and link-local addresses are refused unless this is set (tests use it
# for a loopback server; an intranet deployment may need it).
FACTDESK_FETCH_ALLOW_PRIVATE = env_bool("FACTDESK_FETCH_ALLOW_PRIVATE", False)
FACTDESK_FEED_POLL_SECONDS = env_int("FACTDESK_FEED_POLL_SECONDS", 900, minimum=10)

# Extraction and matching.
# The check-worthiness model's calibrated probability; 0.36 gave the best F1 in cross-validation
# (bench/train_checkworthy.py, README: Check-worthiness).
FACTDESK_CHECKWORTHY_THRESHOLD = env_float("FACTDESK_CHECKWORTHY_THRESHOLD", 0.36, minimum=0, maximum=1)
# An unattributed sentence (no speaker, nothing quoted) becomes a candidate only from this
# probability up: at 0.8, 84-96 % of such training sentences were worth checking, and the queue is
# not flooded with the many 0.36-0.8 sentences. Attributed statements are candidates whatever
# their score; every candidate carries its score.
FACTDESK_CHECKWORTHY_CANDIDATE_MIN = env_float("FACTDESK_CHECKWORTHY_CANDIDATE_MIN", 0.8, minimum=0, maximum=1)
FACTDESK_EXTRACTION_BATCH_SIZE = env_int("FACTDESK_EXTRACTION_BATCH_SIZE", 16, minimum=1)
# Work per task stays far inside the Celery time limits below: a batch holds at most this many
# characters, and a longer article is refused with the reason (README: Reliability).
FACTDESK_EXTRACTION_BATCH_CHARS = env_int("FACTDESK_EXTRACTION_BATCH_CHARS", 200_000, minimum=1000)
FACTDESK_EXTRACTION_MAX_CHARS = env_int("FACTDESK_EXTRACTION_MAX_CHARS", 200_000, minimum=1000)
# An article whose runs were cut short this many times in a row (worker killed) is marked failed.
FACTDESK_EXTRACTION_MAX_ATTEMPTS = env_int("FACTDESK_EXTRACTION_MAX_ATTEMPTS", 3, minimum=1)
FACTDESK_MATCH_WINDOW_DAYS = env_int("FACTDESK_MATCH_WINDOW_DAYS", 30, minimum=0)
# The semantic retrieval branch (nearest claims by embedding) beside the speaker and shingle
# blocks; 0 leaves it out (embeddings still score the pool). bench/pipeline_bench.py --semantic both.
FACTDESK_MATCH_SEMANTIC = env_bool("FACTDESK_MATCH_SEMANTIC", True)
FACTDESK_REANCHOR_MIN_SCORE = env_float("FACTDESK_REANCHOR_MIN_SCORE", 90.0, minimum=0, maximum=100)
# Matching cut-offs. Their defaults live beside the scoring code (claims.matching.Thresholds,
# measured in bench/matching_thresholds.py); an environment variable overrides one of them.
_MATCH_FLOATS = ("VARIANT_MIN_RATIO", "PARAPHRASE_MIN", "SUPPORTED_MIN", "OTHER_SPEAKER_MIN", "UNKNOWN_SPEAKER_MIN",
                 "SEMANTIC_FLOOR")
_MATCH_INTS = ("VARIANT_MIN_RUN", "SHARED_RUN_MIN", "QUOTED_FRAGMENT_MIN", "SUPPORTED_MIN_RUN", "SEMANTIC_MIN_WORDS",
               "MAX_RESULTS")
for _name in _MATCH_FLOATS + _MATCH_INTS:
    _variable = f"FACTDESK_MATCH_{_name}"
    if _variable in os.environ:
        globals()[_variable] = (
            env_float(_variable, 0.0, minimum=0, maximum=1) if _name in _MATCH_FLOATS else env_int(_variable, 1, minimum=1)
        )

# Webhooks: signed POSTs to registered endpoints, retried with doubling waits.
FACTDESK_WEBHOOK_MAX_ATTEMPTS = env_int("FACTDESK_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
FACTDESK_WEBHOOK_BACKOFF_SECONDS = env_int("FACTDESK_WEBHOOK_BACKOFF_SECONDS", 30, minimum=1)
FACTDESK_WEBHOOK_BACKOFF_MAX_SECONDS = env_int("FACTDESK_WEBHOOK_BACKOFF_MAX_SECONDS", 21600, minimum=1)
FACTDESK_WEBHOOK_TIMEOUT = env_float("FACTDESK_WEBHOOK_TIMEOUT", 10.0, minimum=0.1, maximum=300)

# Celery. The default broker needs no server: messages are files under var/broker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
_broker_dir = DATA_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# Time limits are the worker's own (factdesk.celery.WorkerLimitedTask): at the soft limit a task
# is asked to stop (extraction hands its articles back), at the hard limit it is killed.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=5)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=10)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be shorter than CELERY_TASK_TIME_LIMIT")
# Redis and SQS give a message that a worker took and never acknowledged (the worker was killed)
# to another worker after the visibility timeout: that is how long recovery takes. It must outlast
# the longest run, the hard limit, or a task still running would be started a second time.
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 30, minimum=11)
if _visibility_timeout <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT")
if not CELERY_BROKER_URL.startswith("filesystem://"):
    # Unacknowledged messages are looked for every 10 s (kombu's default: every 100 s).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout, "unacked_restore_interval": 10, "unacked_restore_throttle": 1,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "articles.fetch_url": {"queue": "fetch"},
    "articles.poll_feed": {"queue": "fetch"},
    "articles.poll_due_feeds": {"queue": "fetch"},
    "claims.poll_factcheck_feed": {"queue": "fetch"},
    "claims.poll_due_factcheck_feeds": {"queue": "fetch"},
    "claims.extract_articles": {"queue": "extract"},
    "claims.propose_matches": {"queue": "match"},
}
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1_500_000, minimum=100_000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "poll-feeds": {"task": "articles.poll_due_feeds", "schedule": float(FACTDESK_FEED_POLL_SECONDS)},
    "poll-factcheck-feeds": {"task": "claims.poll_due_factcheck_feeds", "schedule": float(FACTDESK_FEED_POLL_SECONDS)},
    # Work whose message is missing; also queued when a worker starts (claims.tasks.prepare_worker).
    "reconcile-extraction": {"task": "claims.reconcile_extraction", "schedule": 60.0},
    "deliver-due-webhooks": {"task": "claims.deliver_due_webhooks", "schedule": 60.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["factdesk.permissions.DeskRolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "factdesk.pagination.DeskCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "2000/minute"),
    },
}
# Email (notes' @mentions and check assignments): sent only when EMAIL_BACKEND is given, e.g.
# django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST and friends.
if env_str("EMAIL_BACKEND"):
    EMAIL_BACKEND = env_str("EMAIL_BACKEND")
    EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factdesk@localhost")

SPECTACULAR_SETTINGS = {
    "TITLE": "FactDesk API",
    "DESCRIPTION": "Claims, their speakers and their citations across outlets.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The interactive page's assets are served from this install, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a "source_format" with different choices: name each enum after its owner.
    "ENUM_NAME_OVERRIDES": {
        "ArticleSourceFormatEnum": "articles.models.SourceFormat",
        "FactCheckSourceFormatEnum": "claims.factchecks.models.FactCheckFormat",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

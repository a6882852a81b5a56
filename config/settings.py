"""Settings for Chỉ tiêu. Every deployment-specific value comes from the environment (config.env)."""

import datetime as dt
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_origins,
    env_proxy_ssl_header,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "import_export",
    "simple_history",
    "axes",
    "agencies",
    "plans",
    "indicators",
    "reports",
    "progress",
    "dashboards",
    "config",
]

MIDDLEWARE = [
    "config.logging.RequestContextMiddleware",  # first: every line of the request carries its id
    "config.health.HealthCheckMiddleware",  # /healthz before host checks and redirects (probes use the IP)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # /static/ from gunicorn itself, before sessions and auth
    # Every page compressed (the admin's report page was 278 KB raw); below WhiteNoise, which serves its own
    # pre-compressed files. Why this is safe against BREACH: docs/decisions.md.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",  # Vietnamese unless the user picked English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.security.ControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.security.IdleTimeoutMiddleware",
    "config.security.NoStoreForSignedInMiddleware",
    # Last, as django-axes asks: it turns a lockout noticed during the view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "agencies.context_processors.roles",
            ],
        },
    },
]

# Unset DATABASE_URL: an SQLite file in the project (the embedded default); set: PostgreSQL.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        default={"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"},
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiled the per-report counts of the review queue and the compliance page for
    # 0.5–1.8 s to save a few ms of a 60–90 ms query (issue 14): this app's queries are short OLTP ones,
    # so JIT never pays here. POSTGRES_JIT=1 turns it back on (for an experiment, or a future report query).
    _jit = "on" if env_bool("POSTGRES_JIT", False) else "off"
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit={_jit}".strip()
    # Django's default opens a new connection for every request: a new PostgreSQL server process with cold
    # catalogue caches, 15–30 ms of the database's CPU per request on the bench machine (issue 14), as much as
    # a report's read itself. Kept DB_CONN_MAX_AGE seconds instead (0: one per request again; a
    # ?conn_max_age= in DATABASE_URL wins), and checked before reuse, so a restarted database costs a check.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 60, minimum=0))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: without REDIS_URL tasks run eagerly in-process, so a new machine needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host, or kombu warns on each process
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# -- Celery reliability (issue 12 item 2) ----------------------------------------------------------------
# A task whose worker process dies goes back to the queue; one whose whole worker vanished (kill -9, a host
# lost) comes back after the visibility timeout: above the longest countdown we use (retry back-off ≤ 5
# minutes) and the longest recompute (seconds), far below Redis's default of an hour.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900, minimum=1),
    "unacked_restore_interval": 5,
}
# An approval must not wait on a broker that is down: its request waits in the database instead.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# The Django LOGGING below formats the worker's lines too (JSON, once), instead of Celery's own handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Processes per worker (default: the machine's cores); scale out with more workers (`--scale worker=N`).
CELERY_WORKER_CONCURRENCY = env_int("CELERY_CONCURRENCY", minimum=1)
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Schedules in code (times are Asia/Ho_Chi_Minh). Reports: periods each night, reminders and the staff digest
# each morning; each reminder is claimed in the database, so a rerun never sends twice.
CELERY_BEAT_SCHEDULE = {
    "reports-open-periods": {"task": "reports.tasks.open_periods", "schedule": crontab(hour=0, minute=30)},
    "reports-send-reminders": {"task": "reports.tasks.send_reminders", "schedule": crontab(hour=7, minute=0)},
    "reports-send-review-digest": {"task": "reports.tasks.send_review_digest",
                                   "schedule": crontab(hour=7, minute=30)},
    # Progress: every active plan each night, after the periods open (deadlines move statuses).
    "progress-recompute-active-plans": {"task": "progress.tasks.recompute_active_plans",
                                        "schedule": crontab(hour=1, minute=0)},
    # Recompute requests whose task never reached the broker (it was down at the approval) or was lost.
    "progress-recompute-pending": {"task": "progress.tasks.recompute_all_pending", "schedule": 60.0},
}
# Tests (and a staging check) only: every scheduled job every N seconds instead of its calendar time.
CELERY_BEAT_EVERY_SECONDS = env_int("CELERY_BEAT_EVERY_SECONDS", minimum=1)
if CELERY_BEAT_EVERY_SECONDS:
    for _entry in CELERY_BEAT_SCHEDULE.values():
        _entry["schedule"] = float(CELERY_BEAT_EVERY_SECONDS)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: its hook revokes the user's API tokens whenever a new password is saved.
    {"NAME": "agencies.tokens.RevokeTokensOnPasswordChange"},
]

# Login protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked for AXES_COOLOFF_TIME (staff unlock it in the admin: "Access attempts").
# The pair, not the username alone, so nobody can lock a colleague out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "config.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_VERBOSE = False
# How many reverse proxies add themselves to X-Forwarded-For in front of gunicorn (0: trust none).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Sessions end after SESSION_IDLE_MINUTES without a request (config.security.IdleTimeoutMiddleware renews).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
# API tokens: valid API_TOKEN_HOURS after login, revoked at logout and at any password change.
API_TOKEN_TTL = dt.timedelta(hours=env_int("API_TOKEN_HOURS", 24, minimum=1))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English second; Asia/Ho_Chi_Minh; 5,07 · 16.861 · 20/03/2026.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js comes from the plotly package itself (the version plotly.py writes figures for; no CDN), served
# as vendor/plotly/plotly.min.js by config.staticfiles.PlotlyJsFinder.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.staticfiles.PlotlyJsFinder",
]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded attachments live outside static files and are served only through permission checks.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = None
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

_email = env_email("EMAIL_URL")
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
for _key, _value in _email.items():
    globals()[_key] = _value
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Chỉ tiêu <no-reply@chitieu.local>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "agencies.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": None,
    # Only views that name a throttle scope are throttled: the token login (guessing passwords).
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_TOKEN_THROTTLE_RATE", "10/minute")},
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Exported text that starts with = + - @ is written as text (the formats in indicators/exporting/cells.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS. Off by default (a plain-HTTP test or first start must work); a deployment behind TLS turns them
# on (README, "Triển khai"): `check --deploy` is clean with those values (tests/config/test_deploy_check.py).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
# The health check answers over plain HTTP to the container's own probe.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from our static files, never inline (a page's data goes
# in <script type="application/json"> via json_script, read by a static script). Styles: our stylesheets;
# style elements and attributes only where a library injects them at run time (Plotly adds <style> rules
# and sets SVG style attributes), hence 'unsafe-inline' for styles alone, which cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}


# -- Operations (issue 15): static files, logging, health ------------------------------------------------
# WhiteNoise serves STATIC_ROOT (filled by `collectstatic`) with hashed, compressed names and far-future
# caching, so gunicorn alone serves a working site; a proxy in front may still serve /static/ itself.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}

# One line per event on stdout, each once (Django's own console handler and Celery's are replaced):
# JSON (python-json-logger) unless DEBUG, with the request id, user id and agencies of the request.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "config.logging.RequestContextFilter"},
        "client_errors": {"()": "config.logging.ClientErrorFilter"},
    },
    "formatters": {
        "json": {"()": "config.logging.JsonLineFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(agency_ids)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
        "text": {"()": "config.logging.TextFormatter", "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT,
                             "filters": ["request_context", "client_errors"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's defaults give these their own handlers as well: each line would print twice.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "celery": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
    },
}

# The version /healthz reports: set by the image build or the deploy script (e.g. the git commit).
CHITIEU_VERSION = env_str("CHITIEU_VERSION", "") or "0.1.0"
# /healthz answers 503 when the oldest recompute request waited longer than this, or no worker answers.
HEALTH_MAX_PENDING_SECONDS = env_int("HEALTH_MAX_PENDING_SECONDS", 600, minimum=1)
HEALTH_WORKER_TIMEOUT_SECONDS = float(env_int("HEALTH_WORKER_TIMEOUT_MS", 1000, minimum=50)) / 1000

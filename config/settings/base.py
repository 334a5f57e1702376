"""Settings shared by every environment; everything site-specific comes from the environment."""
from pathlib import Path

import environ

from config.database import database_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("MADOGUCHI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-local-key-change-me-in-production-0123456789")
# Off unless a developer asks for Django's debug pages (they list settings and the URLconf).
DEBUG = env.bool("MADOGUCHI_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])

# --- Tenancy -------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "kernel.outbox",
    "tenants",
    "platform_console",
    "billing",
    "telephony_adapter.routing",
    "lgwan_access.network",
    "operations",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI as static files: the staff API's docs page needs no CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.admin",
    "booking",
    "telephony_adapter",
    "lgwan_access",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Municipality"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New cities are cloned from a migrated template schema instead of running every migration.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Issue `SET search_path` once per connection and tenant switch, not before every query
# (django-tenants forgets it on rollback). Needs session pooling, never transaction pooling.
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

AUTH_USER_MODEL = "tenants.User"

# --- Database ------------------------------------------------------------------------------
# DATABASE_URL may name several hosts for a cluster with automatic failover (config/database.py):
# postgres://user:pass@h1:5432,h2:5432/madoguchi?target_session_attrs=read-write
DATABASES = {
    "default": database_config(env.str("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/madoguchi")),
}
DATABASES["default"]["ENGINE"] = "kernel.postgresql_backend"  # django-tenants', health-checked without a round trip
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# A host that does not answer (a dead machine, not a refused port) costs at most this many
# seconds per host before libpq tries the next one.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
# A statement of the hot path run this many times on a connection is prepared (kernel.prepared;
# the ORM's cursor never prepares). Needs session pooling, never transaction pooling.
DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", env.int("DATABASE_PREPARE_THRESHOLD", default=2))
# While the database cannot be reached (e.g. during a failover), pages answer 503 with this
# Retry-After instead of an error page (kernel.database.DatabaseUnavailableMiddleware).
MADOGUCHI_DATABASE_RETRY_AFTER = env.int("MADOGUCHI_DATABASE_RETRY_AFTER", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Request pipeline ----------------------------------------------------------------------
MIDDLEWARE = [
    # /status/ answers from its snapshot before anything needs the database (SEC-6); static files
    # are answered next, before any city lookup, session or database work
    "operations.middleware.StatusPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "operations.middleware.RequestTallyMiddleware",
    "tenants.middleware.MunicipalityMiddleware",
    "tenants.middleware.SchemaBoundedConnectionMiddleware",
    # a logged-in citizen's month page from the shared cache, when Django would make it the same way
    "booking.web.shared_pages.SharedPageMiddleware",
    "kernel.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tenants.middleware.MunicipalityLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tenants.middleware.SessionTenantBindingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.SuspendedMunicipalityMiddleware",
    "kernel.middleware.ApplicationErrorMiddleware",
    "kernel.database.DatabaseUnavailableMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.municipality",
            ],
            # Django's `url` and `i18n` tags with what they work out kept (kernel/template_tags)
            "builtins": ["kernel.template_tags.urls"],
            "libraries": {"i18n": "kernel.template_tags.i18n"},
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- Identities ----------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 8)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "kernel.errorpages.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Languages -----------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [
    ("ja", "日本語"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ko", "한국어"),
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "madoguchi_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"

# --- Files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # hashed names (collectstatic writes a manifest): WhiteNoise serves them as immutable for a year
    "staticfiles": {"BACKEND": "kernel.staticfiles.StaticFilesStorage"},
}

# --- Cache ----------------------------------------------------------------------------------
# Shared by every web process (free seats per place: booking.availability_cache; citizen and
# staff sessions, see below): Redis when MADOGUCHI_CACHE_URL is set (e.g. redis://127.0.0.1:6379/1),
# otherwise diskcache under var/cache: SQLite files that every process of `make run` on one
# machine shares, tens of microseconds a read (Django's own file cache lists its whole folder on
# every write, which cost a fifth of a worker's time in the release rush).
MADOGUCHI_CACHE_URL = env.str("MADOGUCHI_CACHE_URL", default="")
if MADOGUCHI_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": MADOGUCHI_CACHE_URL, "KEY_PREFIX": "madoguchi"}}
else:
    CACHES = {"default": {"BACKEND": "kernel.cache.SharedDiskCache", "LOCATION": str(VAR_DIR / "cache"),
                          "SHARDS": 4, "DATABASE_TIMEOUT": 0.05,
                          "OPTIONS": {"size_limit": 2**30, "sqlite_synchronous": 0}}}
# Sessions are written to PostgreSQL (they survive the cache) and read from the cache: a page that
# changes nothing costs no query for its session.
SESSION_ENGINE = "kernel.sessions"

# --- Mail ----------------------------------------------------------------------------------
# With no relay configured, mail lands in a local outbox (var/outbox) shown at /outbox/.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
else:
    EMAIL_BACKEND = "kernel.mail.OutboxEmailBackend"
MADOGUCHI_OUTBOX_DIR = Path(env.str("MADOGUCHI_OUTBOX_DIR", default=str(VAR_DIR / "outbox")))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="madoguchi <no-reply@madoguchi.localhost>")

# --- Task queue ----------------------------------------------------------------------------
# With no broker configured, Celery uses kombu's filesystem transport under var/, which works
# across processes on one machine (web, worker and beat of `make run`).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILE = VAR_DIR / "celerybeat-schedule"
# A killed worker's unacknowledged tasks come back after this many seconds (Redis transport; the
# default is an hour). Retries of a task wait at most OUTBOX_MAX_BACKOFF_SECONDS, below it.
CELERY_VISIBILITY_TIMEOUT_SECONDS = env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=60)
# The transactional outbox (kernel/outbox): relay backoff and when a message is parked.
OUTBOX_MAX_BACKOFF_SECONDS = env.int("OUTBOX_MAX_BACKOFF_SECONDS", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_RELAY_POLL_SECONDS = env.float("OUTBOX_RELAY_POLL_SECONDS", default=1.0)
# A booking whose confirmation mail has not gone out this long after it was made is queued again
# (the mail receipt keeps it to one mail).
BOOKING_MAIL_SWEEP_AFTER_SECONDS = env.int("BOOKING_MAIL_SWEEP_AFTER_SECONDS", default=300)

# --- Platform ------------------------------------------------------------------------------
MADOGUCHI_PUBLIC_DOMAINS = env.list("MADOGUCHI_PUBLIC_DOMAINS", default=["localhost", "127.0.0.1"])
# A database connection that has served more cities than this is closed after its response (the
# catalogue of every schema it touched stays in the backend's memory: ~0.4 MiB per city).
MADOGUCHI_CONNECTION_MAX_SCHEMAS = env.int("MADOGUCHI_CONNECTION_MAX_SCHEMAS", default=100)
# How long a web process keeps host → city in memory (tenants.selectors.municipality_for_host).
MADOGUCHI_HOST_CACHE_SECONDS = env.int("MADOGUCHI_HOST_CACHE_SECONDS", default=5)
# How long a web process keeps the places a notice may use, as the citizen's pages list them.
MADOGUCHI_PLACES_CACHE_SECONDS = env.int("MADOGUCHI_PLACES_CACHE_SECONDS", default=5)
# Month pages shared between citizens (booking/web/shared_pages.py); 0 makes Django render each one.
MADOGUCHI_SHARED_PAGES = env.bool("MADOGUCHI_SHARED_PAGES", default=True)
MADOGUCHI_TENANT_DOMAIN_SUFFIX = env.str("MADOGUCHI_TENANT_DOMAIN_SUFFIX", default="localhost")
MADOGUCHI_SHOW_OUTBOX = env.bool("MADOGUCHI_SHOW_OUTBOX", default=False)
# How links to a municipality's site are written (mails, consoles): scheme://domain[:port]/
MADOGUCHI_SITE_SCHEME = env.str("MADOGUCHI_SITE_SCHEME", default="http")
MADOGUCHI_SITE_PORT = env.str("MADOGUCHI_SITE_PORT", default="8000")

# Citizen login throttling (WEB-11). Per client (address or caller's number) within a window:
# after SLOW_AFTER failures one attempt per SLOW_INTERVAL, after REFUSE_AFTER none until the window
# ends. Per city, across all clients: above CITY_FAILURES_PER_MINUTE an event is logged and clients
# that already failed wait for the next minute. Refusals answer at once with 429 and Retry-After.
BOOKING_CLIENT_WINDOW_MINUTES = env.int("BOOKING_CLIENT_WINDOW_MINUTES", default=15)
BOOKING_CLIENT_SLOW_AFTER = env.int("BOOKING_CLIENT_SLOW_AFTER", default=10)
BOOKING_CLIENT_SLOW_INTERVAL_SECONDS = env.int("BOOKING_CLIENT_SLOW_INTERVAL_SECONDS", default=5)
BOOKING_CLIENT_REFUSE_AFTER = env.int("BOOKING_CLIENT_REFUSE_AFTER", default=30)
BOOKING_CITY_FAILURES_PER_MINUTE = env.int("BOOKING_CITY_FAILURES_PER_MINUTE", default=120)
# Proxies whose X-Forwarded-For is believed (addresses or networks, e.g. the load balancer's).
MADOGUCHI_TRUSTED_PROXIES = env.list("MADOGUCHI_TRUSTED_PROXIES", default=[])
BOOKING_CITIZEN_SESSION_SECONDS = env.int("BOOKING_CITIZEN_SESSION_SECONDS", default=30 * 60)
# The name authenticator apps show beside a staff user's TOTP entry.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="madoguchi")
# The password login's throttle (tenants.services.login_throttle): attempts per window.
STAFF_LOGIN_ACCOUNT_LIMIT = env.int("STAFF_LOGIN_ACCOUNT_LIMIT", default=5)
STAFF_LOGIN_ADDRESS_LIMIT = env.int("STAFF_LOGIN_ADDRESS_LIMIT", default=20)
STAFF_LOGIN_WINDOW_SECONDS = env.int("STAFF_LOGIN_WINDOW_SECONDS", default=15 * 60)
# A staff session idle this long is logged out (0: never); the console touches it on every page.
STAFF_IDLE_TIMEOUT_SECONDS = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=30 * 60)
# The waiting room of the release rush (PLT-4). In a city's "auto" mode it holds citizens back once
# this many are active in the booking pages at once (what the platform serves well; see make
# drill-rush); in "on" mode the city's own capacity counts. An admitted citizen counts as active
# until IDLE seconds pass without a request; a place in line is given up after ABANDON seconds
# without the waiting page asking.
BOOKING_WAITING_ROOM_THRESHOLD = env.int("BOOKING_WAITING_ROOM_THRESHOLD", default=300)
BOOKING_WAITING_ROOM_IDLE_SECONDS = env.int("BOOKING_WAITING_ROOM_IDLE_SECONDS", default=300)
BOOKING_WAITING_ROOM_ABANDON_SECONDS = env.int("BOOKING_WAITING_ROOM_ABANDON_SECONDS", default=90)
BOOKING_WAITING_ROOM_REFRESH_SECONDS = env.int("BOOKING_WAITING_ROOM_REFRESH_SECONDS", default=10)
# those whose turn is likely within one refresh ask this often instead: a place let in counts as
# taken from then on, and stays unused until its citizen's page asks again
BOOKING_WAITING_ROOM_FRONT_REFRESH_SECONDS = env.int("BOOKING_WAITING_ROOM_FRONT_REFRESH_SECONDS", default=3)

# --- Operations: health checks, incidents, on-call, status page (operations/) ------------------
OPERATIONS_CHECK_SECONDS = env.int("OPERATIONS_CHECK_SECONDS", default=15)
OPERATIONS_FAIL_AFTER = env.int("OPERATIONS_FAIL_AFTER", default=2)  # failing results in a row open an incident
OPERATIONS_PASS_AFTER = env.int("OPERATIONS_PASS_AFTER", default=2)  # passing results in a row resolve it
OPERATIONS_WORKER_STALE_SECONDS = env.int("OPERATIONS_WORKER_STALE_SECONDS", default=60)
OPERATIONS_BEAT_STALE_SECONDS = env.int("OPERATIONS_BEAT_STALE_SECONDS", default=90)
OPERATIONS_EXPECTED_STANDBYS = env.int("OPERATIONS_EXPECTED_STANDBYS", default=0)  # production: 1 or more
OPERATIONS_MAX_LAG_SECONDS = env.int("OPERATIONS_MAX_LAG_SECONDS", default=30)
OPERATIONS_MAX_LAG_BYTES = env.int("OPERATIONS_MAX_LAG_BYTES", default=64 * 1024 * 1024)
OPERATIONS_DISK_MIN_FREE_PERCENT = env.int("OPERATIONS_DISK_MIN_FREE_PERCENT", default=10)
OPERATIONS_ERROR_WINDOW_MINUTES = env.int("OPERATIONS_ERROR_WINDOW_MINUTES", default=5)
OPERATIONS_ERROR_RATE = env.float("OPERATIONS_ERROR_RATE", default=0.05)
OPERATIONS_ERROR_MIN_REQUESTS = env.int("OPERATIONS_ERROR_MIN_REQUESTS", default=50)
OPERATIONS_OUTBOX_MAX_AGE_SECONDS = env.int("OPERATIONS_OUTBOX_MAX_AGE_SECONDS", default=120)
# Where the monitor reaches the web servers for the booking path's HTTP half (empty: service half only).
OPERATIONS_PROBE_BASE_URL = env.str("OPERATIONS_PROBE_BASE_URL", default="")
OPERATIONS_PROBE_EVERY_SECONDS = env.int("OPERATIONS_PROBE_EVERY_SECONDS", default=60)
OPERATIONS_PROBE_TIMEOUT_SECONDS = env.float("OPERATIONS_PROBE_TIMEOUT_SECONDS", default=5.0)
# The module with call_out() and validate_provider_request() (the telephony adapter's outbound calls).
OPERATIONS_TELEPHONY_MODULE = env.str("OPERATIONS_TELEPHONY_MODULE", default="telephony_adapter.outbound")
# Where validate_provider_request() lives when the module above has none (the adapter's providers).
OPERATIONS_TELEPHONY_SIGNATURE_MODULE = env.str("OPERATIONS_TELEPHONY_SIGNATURE_MODULE",
                                                default="telephony_adapter.providers")
OPERATIONS_STATUS_SNAPSHOT = Path(env.str("OPERATIONS_STATUS_SNAPSHOT",
                                          default=str(VAR_DIR / "status" / "snapshot.json")))
OPERATIONS_STATUS_FRESH_SECONDS = env.int("OPERATIONS_STATUS_FRESH_SECONDS", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tenants": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},  # the filesystem transport has no host name
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lgwan_access.api.exceptions.api_exception_handler",
}
# The staff API's schema (/api/staff/v1/schema/) and docs page (/api/staff/v1/docs/), issue 9.
SPECTACULAR_SETTINGS = {
    "TITLE": "madoguchi staff API",
    "DESCRIPTION": "The municipal staff's API: notices, bookings, slots and availability, imports, exports. "
                   "Answers only from the city's LGWAN ranges, to staff of the city (Bearer token).",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/staff/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"NoticeStatusEnum": "booking.models.NoticeStatus",
                            "BookingStatusEnum": "booking.models.ReservationStatus",
                            "ChannelEnum": "booking.models.Channel"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "lgwan_access.api.schema.add_error_responses"],
}


# --- Call centre (issue 11) ------------------------------------------------------------------
# The provider whose webhooks and outbound calls are used ("twilio" or "connect"). Twilio signs
# every webhook with the account's auth token; `make run` uses the demo token below and prints it.
TELEPHONY_PROVIDER = env.str("TELEPHONY_PROVIDER", default="twilio")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="madoguchi-demo-twilio-token")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_CALLER_ID = env.str("TWILIO_CALLER_ID", default="")
# Amazon Connect contact flows call us through a function that signs the body (HMAC-SHA256).
TELEPHONY_CONNECT_SECRET = env.str("TELEPHONY_CONNECT_SECRET", default="madoguchi-demo-connect-secret")
# The address the provider calls us at (scheme and host), when a proxy in front changes them.
TELEPHONY_WEBHOOK_BASE_URL = env.str("TELEPHONY_WEBHOOK_BASE_URL", default="")
# How outbound calls reach the carrier: Twilio's REST API when an account is configured,
# otherwise a local transport that records the calls (demo machines and tests).
TELEPHONY_OUTBOUND_TRANSPORT = env.str("TELEPHONY_OUTBOUND_TRANSPORT", default="")
# How often a waiting caller hears their position, and how many free times the IVR reads out.
TELEPHONY_QUEUE_ANNOUNCE_SECONDS = env.int("TELEPHONY_QUEUE_ANNOUNCE_SECONDS", default=20)
TELEPHONY_IVR_SLOTS_OFFERED = env.int("TELEPHONY_IVR_SLOTS_OFFERED", default=3)

# Billing (PLT-3): who issues the statements, the qualified invoice (適格請求書) registration number,
# the numbering series, and where the completion report reads the month's incidents (a function named
# by its dotted path: billing sits beside operations and never imports it)
BILLING_ISSUER_NAME = env.str("BILLING_ISSUER_NAME", default="madoguchi 運営事業者")
BILLING_ISSUER_REGISTRATION_NUMBER = env.str("BILLING_ISSUER_REGISTRATION_NUMBER", default="T1234567890123")
BILLING_INVOICE_SERIES = env.str("BILLING_INVOICE_SERIES", default="MDG")
BILLING_CREDIT_NOTE_SERIES = env.str("BILLING_CREDIT_NOTE_SERIES", default="MDGC")
BILLING_TAX_RATE_PERCENT = 10
BILLING_INCIDENTS_SOURCE = env.str("BILLING_INCIDENTS_SOURCE", default="operations.reporting.incidents_for_report")

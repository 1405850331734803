"""Settings shared by every environment.

Everything is read from the environment with safe development defaults.
Infrastructure is named by URLs, ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``
(cache, sessions, Celery broker and results). One stack everywhere: when they are
unset, ``dev.py`` and ``test.py`` start the embedded PostgreSQL and Redis first
(``portal.devstack``) and set them; production refuses to start without them.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


# --- Core -------------------------------------------------------------------

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production"
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Links in emails. `PORT=8080 make run` serves, and links, on that port.
SITE_URL = (
    os.environ.get("PORTAL_SITE_URL")
    or f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third parties
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    # The portal
    "portal",
    "portal.accounts",
    "portal.audit",
    "portal.outbox",
    "datasets",
    "datasets.access",
    "applications",
    "applications.jury",
    "workshops",
    "portal.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security_headers.PermissionsPolicyMiddleware",
    "portal.security_headers.PrivateDownloadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # API-key reads of /api/v1/readings/ skip what follows (issue 14).
    "datasets.api.middleware.KeyedReadingsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user the session row brought (one query, not two).
    "portal.accounts.sessions.SessionUserAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.BackOfficeMFAMiddleware",
    # Last, so that it sees the views' exceptions first: an unreachable
    # database answers a 503 page, not a stack trace (portal/errors.py).
    "portal.errors.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
_unset = [
    name
    for name, url in (("DATABASE_URL", DATABASE_URL), ("REDIS_URL", REDIS_URL))
    if not url
]
if _unset:
    raise ImproperlyConfigured(
        "Not set: " + ", ".join(_unset) + ". portal.settings.dev and "
        "portal.settings.test start the embedded PostgreSQL and Redis when they "
        "are unset; other settings need them."
    )
# Connections are kept ten minutes and checked at the start of each request
# (a restarted database means a reconnect, not an error). A new connection's
# first registration compiles the registration function (about 10 ms of the
# database's CPU): with one minute, a rush after a quiet minute paid it in
# every worker (docs/benchmarks.md, "Workshop registration").
DATABASE_CONN_MAX_AGE = 600
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True
    )
}
# A read-only replica (or its stand-in) for the readings API's queries, when
# DATABASE_REPLICA_URL names one: docs/scaling.md. Its sessions are read-only
# (a write there fails), and only datasets.api.readings reads from it.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
API_READ_DATABASE = "default"
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASE_CONN_MAX_AGE,
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = {"options": "-c default_transaction_read_only=on"}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    API_READ_DATABASE = "replica"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery -------------------------------------------------

# Short socket timeouts: a hung Redis costs half a second, once (the
# backend's breaker then leaves it alone for two seconds, see portal/cache.py).
CACHES = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("PORTAL_CACHE_PREFIX", "portal"),
        "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
    }
}

# Sessions in the database: signed-in pages keep working when Redis is down,
# and a session ends on the server at logout (a copied cookie is worth nothing
# afterwards). Expired rows are deleted by the retention command
# (portal.accounts.retention, ``clearsessions``). The cookie is HttpOnly,
# SameSite=Lax, Secure in production; the key changes at login. The session
# row names its user, so one query reads both (portal.accounts.sessions).
SESSION_ENGINE = "portal.accounts.sessions"

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
# Tasks run in the worker, as in production (test.py runs them in-process).
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis down or hung must not hold a request: a task queued from a view (an
# email through the outbox, a receipt) costs at most about a second, then the
# caller logs it and the beat sweepers queue it again (nothing is lost).
# Short socket timeouts on the broker, one quick publish retry, and no result
# subscription: no view reads a task's result, and the result backend's
# reconnection loop (20 retries, 1 s apart, then "the Celery application
# must be restarted") would otherwise run inside the request.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 0.3,
    "socket_timeout": 0.5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 0.3
CELERY_REDIS_SOCKET_TIMEOUT = 0.5
# --- Sensor data ingestion (datasets) ----------------------------------------

# The upstream sensor platform (pulled every 15 minutes when the URL is set).
UPSTREAM_SENSOR_API_URL = os.environ.get("UPSTREAM_SENSOR_API_URL", "")
UPSTREAM_SENSOR_API_TOKEN = os.environ.get("UPSTREAM_SENSOR_API_TOKEN", "")
UPSTREAM_SENSOR_API_TIMEOUT = float(os.environ.get("UPSTREAM_SENSOR_API_TIMEOUT", "20"))
UPSTREAM_SENSOR_API_RETRIES = int(os.environ.get("UPSTREAM_SENSOR_API_RETRIES", "3"))
# Seconds before the first retry of a request; doubled at each retry.
UPSTREAM_SENSOR_API_BACKOFF = float(os.environ.get("UPSTREAM_SENSOR_API_BACKOFF", "2"))
# Keep demo data live with the simulator every 15 minutes (off by default).
PORTAL_SIMULATOR_LIVE = env_bool("PORTAL_SIMULATOR_LIVE", False)
PORTAL_SIMULATOR_SEED = int(os.environ.get("PORTAL_SIMULATOR_SEED", "17"))

# One periodic schedule for the whole portal; apps add their entries here.
# A registration's email is queued by a sweep that registrations wake up:
# at most one wake-up per web process every WORKSHOPS_EMAIL_WAKE_SECONDS,
# the sweep running WORKSHOPS_EMAIL_SWEEP_DELAY seconds after it (longer, so
# that it sees the registrations whose wake-up was spared).
WORKSHOPS_EMAIL_WAKE_SECONDS = 0.5
WORKSHOPS_EMAIL_SWEEP_DELAY = 1

CELERY_BEAT_SCHEDULE = {
    # The retention stated in the privacy notice: accounts unused for 3 years.
    "accounts-purge-inactive": {
        "task": "accounts.purge_inactive_accounts",
        "schedule": 24 * 3600,
    },
    # The registry's retention (portal/accounts/retention.py): drafts never
    # submitted, applications not retained, emails, audit identities, old
    # feedback messages, expired sessions.
    "accounts-apply-retention": {
        "task": "accounts.apply_retention",
        "schedule": 24 * 3600,
    },
    # The outbox: queue again the emails whose send task was lost.
    "outbox-sweep": {
        "task": "outbox.sweep",
        "schedule": 60,
    },
    # The outbox's stated retention: bodies of emails sent over a year ago.
    "outbox-blank-old-bodies": {
        "task": "outbox.blank_old_bodies",
        "schedule": 24 * 3600,
    },
    # Receipts of submissions whose task was lost (broker down at submission).
    "applications-queue-missing-receipts": {
        "task": "applications.queue_missing_receipts",
        "schedule": 5 * 60,
    },
    # The API keys' usage meter, from Redis to the database.
    "access-flush-api-usage": {
        "task": "access.flush_api_usage",
        "schedule": 5 * 60,
    },
    # Workshop reminders (7 days, 1 day, 2 hours before by default), once each.
    "workshops-send-due-reminders": {
        "task": "workshops.send_due_reminders",
        "schedule": 5 * 60,
    },
    # Registration emails whose wake-up was lost (broker down): the rows stay
    # marked due until a sweep queues them (workshops.services.registration).
    "workshops-send-due-registration-emails": {
        "task": "workshops.send_due_registration_emails",
        "schedule": 60,
    },
    # The feedback survey, once to each attendee after a workshop ends.
    "workshops-send-feedback-invitations": {
        "task": "workshops.send_feedback_invitations",
        "schedule": 15 * 60,
    },
    # Reminders 30 and 7 days before a grant or a key ends (once each).
    "access-expiry-reminders": {
        "task": "access.send_expiry_reminders",
        "schedule": 6 * 3600,
    },
}
if UPSTREAM_SENSOR_API_URL:
    CELERY_BEAT_SCHEDULE["datasets-pull-upstream"] = {
        "task": "datasets.pull_upstream",
        "schedule": 15 * 60,
    }
if PORTAL_SIMULATOR_LIVE:
    CELERY_BEAT_SCHEDULE["datasets-simulate-live"] = {
        "task": "datasets.simulate_live",
        "schedule": 15 * 60,
    }

# --- Accounts (django-allauth) -----------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's, taking the user read with the session.
    "portal.accounts.backends.ModelBackend",
    "portal.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The person's name, asked at sign-up (portal.accounts.forms).
ACCOUNT_SIGNUP_FORM_CLASS = "portal.accounts.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OpenBatignolles] "
# Tell people when their password or email address changes (a hijacked account
# is noticed). The texts are templates/account/email/*.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
# allauth's own rate limits (login failures, password reset...) stay on: they
# are the defaults, kept here explicitly so nobody switches them off by accident.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "1/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OpenBatignolles"
# Organisers and jury members must enable two-factor authentication before
# any back-office page. Only the development demo may switch this off.
PORTAL_REQUIRE_MFA = env_bool("PORTAL_REQUIRE_MFA", True)
# What forms the back office (organisers, jury), read from each request's
# resolver match (``portal.accounts.middleware.guarded_area``): URL namespaces,
# and the routes it is mounted under, after any language prefix. The Django
# admin (namespace ``admin``) is guarded too: staff, allauth's login, 2FA.
PORTAL_BACKOFFICE_NAMESPACES = (
    "applications_bo",
    "jury_bo",
    "datasets_bo",
    "outbox_bo",
    "workshops_bo",
    "dashboard_bo",
    "jury",
)
PORTAL_BACKOFFICE_ROUTES = ("gestion/", "jury/")

# --- Email ------------------------------------------------------------------

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 20
else:
    # Embedded default: each email is written as a file the organiser can read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "OpenBatignolles <ne-pas-repondre@openbatignolles.paris>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ----------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats per language over Django's (portal/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (application attachments) live outside any public path and are
# only served through views that check permissions.
MEDIA_ROOT = Path(os.environ.get("PORTAL_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Security headers --------------------------------------------------------

# A strict Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# Static files: their own strict CSP and frame denial (portal/security_headers.py).
# (A callable: WhiteNoise does not import a dotted path.)
from portal.security_headers import add_static_file_headers  # noqa: E402

WHITENOISE_ADD_HEADERS_FUNCTION = add_static_file_headers
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The browser features no page of the portal uses, switched off for all.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
# A refused form (expired page, cookies off) answers with the site's own 403 page.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600

# --- API --------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["datasets.api.throttling.PortalRateThrottle"],
    # Client addresses come from portal.clientip (TRUSTED_PROXY_COUNT below).
}
# The client's address, for every limiter (API, feedback form, allauth): the
# number of reverse proxies in front of the portal, or their networks
# (comma-separated CIDR). 0 and empty: REMOTE_ADDR is the client. Production
# refuses to start unless one of them is set.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
TRUSTED_PROXIES = [
    part.strip()
    for part in os.environ.get("TRUSTED_PROXIES", "").split(",")
    if part.strip()
]
# Keys refused before any lookup (malformed, bad checksum, unknown, revoked),
# per client address: beyond this, 429 and no database query.
API_BAD_KEY_RATE = os.environ.get("API_BAD_KEY_RATE", "30/min")
# Keys issued before the checksum (obk_<8 hex>_<32 URL-safe>) still work.
API_ACCEPT_LEGACY_KEYS = env_bool("API_ACCEPT_LEGACY_KEYS", True)
# Rate limits of the API ("N/s", "N/min", "N/hour", "N/day"; "none" to lift).
API_ANON_RATE = os.environ.get("API_ANON_RATE", "600/min")
API_USER_RATE = os.environ.get("API_USER_RATE", "6000/min")
API_KEY_RATE = os.environ.get("API_KEY_RATE", "6000/min")
# The longest a data access grant (and its keys) may run, in days.
API_GRANT_MAX_DAYS = int(os.environ.get("API_GRANT_MAX_DAYS", "366"))
# The last day of the 5-year experiment (Paris): no grant or key runs beyond.
PORTAL_EXPERIMENT_ENDS_ON = os.environ.get("PORTAL_EXPERIMENT_ENDS_ON", "2030-06-30")
# Longest range per request of /api/v1/readings/, per interval (days).
API_MAX_RANGE_DAYS = {"15min": 31, "hour": 366, "day": 3700}
# Cache lifetimes (seconds) of readings responses: ranges reaching into the
# current period, ranges ended less than a day ago, older ranges.
API_CURRENT_MAX_AGE = 60
API_RECENT_MAX_AGE = 300
API_PAST_MAX_AGE = int(os.environ.get("API_PAST_MAX_AGE", "86400"))
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenBatignolles API",
    "DESCRIPTION": "Open data from the 160 sensors of the Batignolles neighbourhood.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the errors it may answer (401, 404, 429...).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "datasets.api.docs.add_error_responses",
    ],
    "TAGS": [
        {"name": "catalogue", "description": "Datasets, metrics, DTPR sheets."},
        {"name": "places", "description": "Streets, sensors (GeoJSON)."},
        {"name": "values", "description": "Latest values and readings."},
        {"name": "register", "description": "The public register of data uses."},
    ],
}

# --- The programme ------------------------------------------------------------

PORTAL_DPO_EMAIL = os.environ.get("PORTAL_DPO_EMAIL", "dpo@openbatignolles.paris")
PORTAL_CONTACT_EMAIL = os.environ.get(
    "PORTAL_CONTACT_EMAIL", "contact@openbatignolles.paris"
)


def env_demodays(name, default):
    """``"ami-1=2026-02,ami-2=2027-02-11"`` -> ``{"ami-1": "2026-02", ...}``.

    A DemoDay is known to the month ("2026-02") or to the day ("2026-02-11").
    """
    days = {}
    for item in env_list(name, default):
        slug, _sep, when = (part.strip() for part in item.partition("="))
        try:
            if len(when) not in (7, 10):
                raise ValueError(when)
            datetime.date.fromisoformat(when if len(when) == 10 else f"{when}-01")
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not call-slug=YYYY-MM or call-slug=YYYY-MM-DD"
            ) from None
        days[slug] = when
    return days


# Each call's DemoDay, until the workshops app holds it: shown on the home page
# and the agenda with the call's milestones. The first wave's is February 2026.
PORTAL_DEMODAYS = env_demodays("PORTAL_DEMODAYS", "ami-1=2026-02")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No API key ever reaches a log line (portal/logfilters.py).
    "filters": {"redact_keys": {"()": "portal.logfilters.RedactApiKeys"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_keys"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "portal": {"level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
        "datasets": {"level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
        "applications": {"level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
        "workshops": {"level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
    },
}

"""Production settings: harden, and refuse to start without the secrets.

Served by gunicorn behind a reverse proxy that terminates TLS, static files
served by WhiteNoise, PostgreSQL and Redis named by their URLs.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# Checked before the shared settings, which need the URLs too: the message
# names every missing secret.
REQUIRED_ENVIRONMENT = ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL")
_missing = [name for name in REQUIRED_ENVIRONMENT if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production refuses to start without: " + ", ".join(_missing)
    )
if not os.environ.get("DJANGO_ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "Production refuses to start without: DJANGO_ALLOWED_HOSTS"
    )

if not (os.environ.get("TRUSTED_PROXY_COUNT") or os.environ.get("TRUSTED_PROXIES")):
    # Behind the proxy, REMOTE_ADDR is the proxy: every limiter would count
    # the whole city as one client. Say how many proxies (0 if none).
    raise ImproperlyConfigured(
        "Production refuses to start without: TRUSTED_PROXY_COUNT or TRUSTED_PROXIES"
    )

from .base import *  # noqa: E402, F403
from .base import env_bool  # noqa: E402

DEBUG = False
PORTAL_REQUIRE_MFA = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Eligible for the browsers' preload list (check --deploy asks for it); set
# DJANGO_HSTS_PRELOAD=false before the domain's owner has agreed to it.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

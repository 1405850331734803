"""Settings for the benchmark server (``make bench``).

The production-like stack of ``portal.settings.base`` (PostgreSQL and Redis
named by BENCH_DATABASE_URL / BENCH_REDIS_URL, copied into DATABASE_URL /
REDIS_URL by bench/run_all.py), DEBUG off, loopback only, plus one bare view
(bench/urls.py) that gives the ceiling of the machine.
"""

import warnings

from portal.settings.base import *  # noqa: F403

# WhiteNoise warns when collectstatic has not run: the bench serves no static file.
warnings.filterwarnings("ignore", message="No directory at")

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
PORTAL_REQUIRE_MFA = False
# The bench sends thousands of requests a second from one address: the
# per-IP API rate limit stays in the request path (its Redis round trip is
# measured) but with a ceiling the load client never reaches.
API_ANON_RATE = "1000000000/hour"
API_USER_RATE = "1000000000/hour"
API_KEY_RATE = "1000000000/hour"
# Target (e) of bench/api_keys.py: the usual stack, djangorestframework-api-key
# (requirements/dev.txt), only when installed.
try:
    import rest_framework_api_key  # noqa: F401
except ImportError:  # pragma: no cover - the bench then skips (e)
    pass
else:
    INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework_api_key"]  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}

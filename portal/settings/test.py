"""Test settings: the same backends as the environment names, made fast.

With ``DATABASE_URL`` or ``REDIS_URL`` unset (``make test`` on a laptop), the
embedded PostgreSQL and Redis of ``make run`` are started once for the session,
or reused; the tests use Redis database 1, which they flush, never ``make run``'s
database 0. CI names the machine's servers with the two variables.
"""

import os

from portal.devstack import ensure_embedded

ensure_embedded(redis_db=1)

from .base import *  # noqa: E402, F403
from .base import VAR_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PORTAL_REQUIRE_MFA = True
MEDIA_ROOT = VAR_DIR / "test-media" / str(os.getpid())
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Feature tests run tasks in-process, through the same .delay() calls; the
# real Redis broker and a real worker are exercised by tests/portal/test_celery.py.
CELERY_TASK_ALWAYS_EAGER = True
# Run in-process, each registration's sweep queues its email at once: every
# registration wakes it (tests/workshops/test_registration_emails.py checks
# the spared wake-ups with the production values).
WORKSHOPS_EMAIL_WAKE_SECONDS = 0
# Files are never served from a public URL (views check permissions and stream
# them); the live server of the browser tests only needs a prefix to compare.
MEDIA_URL = "/_media-never-served/"

"""Test settings: the same backends as the environment names, made fast."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

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

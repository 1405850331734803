"""Development settings: ``manage.py`` and ``make run``.

With ``DATABASE_URL`` or ``REDIS_URL`` unset, the embedded PostgreSQL and Redis
(data under ``var/``) are started, or the running ones reused, before the shared
settings read the URLs: every command runs on the production engines.
"""

from portal.devstack import ensure_embedded

ensure_embedded(redis_db=0)

from .base import *  # noqa: E402, F403
from .base import env_bool  # noqa: E402

DEBUG = env_bool("DJANGO_DEBUG", True)
# The demo accounts have no authenticator app: let the demo reach the back office.
PORTAL_REQUIRE_MFA = env_bool("PORTAL_REQUIRE_MFA", False)

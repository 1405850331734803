"""Development settings: the embedded default used by ``make run``."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# The demo accounts have no authenticator app: let the demo reach the back office.
PORTAL_REQUIRE_MFA = env_bool("PORTAL_REQUIRE_MFA", False)

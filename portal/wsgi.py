"""The WSGI application for gunicorn: production settings unless told otherwise.

Production refuses to start without its secrets, so a forgotten
``DJANGO_SETTINGS_MODULE`` never serves the debug pages of development.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_wsgi_application()

# Import the URLconf, hence every view, when the worker starts rather than on
# its first request (about 0.4 s; with `gunicorn --preload`, once for all
# workers). No database or Redis is touched by these imports.
_views = get_resolver().url_patterns

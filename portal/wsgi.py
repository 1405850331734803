"""The WSGI application for gunicorn: production settings unless told otherwise.

Production refuses to start without its secrets, so a forgotten
``DJANGO_SETTINGS_MODULE`` never serves the debug pages of development.
"""

import gc
import logging
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_wsgi_application()

# Import the URLconf, hence every view, when the worker starts rather than on
# its first request (about 0.4 s; with `gunicorn --preload`, once for all
# workers). No database or Redis is touched by these imports.
_views = get_resolver().url_patterns


def _warm_celery():
    """Load now what Celery loads when a process queues its first task: the
    tasks of every app, the result backend's class, the message machinery
    (about 40 ms, measured by bench/workshop_registration.py's first POSTs).
    Otherwise the first request of each worker to queue a task (a
    registration's email) pays it. No connection is opened: the broker is
    reached on the first task, and a broker that is down changes nothing
    here."""
    from portal.celery import app

    try:
        app.finalize(auto=True)
        app.backend  # noqa: B018 - loads the backend's class
        app.amqp  # noqa: B018 - the producer's machinery
    except Exception:  # noqa: BLE001 - a warm-up never stops the worker
        logging.getLogger(__name__).exception("Celery could not be warmed up")


_warm_celery()


# Everything loaded so far (Django, the apps, the URLconf, Celery: about
# 220,000 objects) lives as long as the process. Frozen, the collector stops
# walking it: a full collection took 95 to 125 ms of CPU per worker, once
# in every few hundred requests, and fell inside a request (measured by
# bench/workshop_registration.py, docs/benchmarks.md); it now takes about
# 5 ms. With `gunicorn --preload` the frozen objects are also never written
# to by the collector, so the forked workers keep sharing their pages.
gc.freeze()

"""The Celery application: ``CELERY_*`` settings, tasks autodiscovered per app.

Production settings unless ``DJANGO_SETTINGS_MODULE`` says otherwise (``make
worker``, ``make beat`` and ``make run`` name the development settings).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

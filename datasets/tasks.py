"""Periodic ingestion tasks (thin: they call the ingestion service)."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .enums import IngestionSource
from .ingestion import (
    SimulatorSource,
    UpstreamSource,
    UpstreamUnavailable,
    ingest,
    last_cursor,
)

# How far back the live simulator catches up after a pause.
LIVE_CATCH_UP = datetime.timedelta(days=2)


@shared_task(
    name="datasets.pull_upstream",
    autoretry_for=(UpstreamUnavailable,),
    retry_backoff=60,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
)
def pull_upstream_task():
    """Pull new readings from the upstream platform (no-op when not configured).

    An outage fails the run without advancing the cursor and raises, so Celery
    retries with exponential back-off; the next pull resumes from the cursor.
    """
    if not settings.UPSTREAM_SENSOR_API_URL:
        return None
    return ingest(UpstreamSource()).pk


@shared_task(name="datasets.simulate_live")
def simulate_live_task():
    """Keep demo data live: simulate from the last simulator cursor up to now."""
    if not settings.PORTAL_SIMULATOR_LIVE:
        return None
    now = timezone.now()
    start = last_cursor(IngestionSource.SIMULATOR) or now - LIVE_CATCH_UP
    start = max(start, now - LIVE_CATCH_UP)
    source = SimulatorSource(start, now, seed=settings.PORTAL_SIMULATOR_SEED)
    if source.start >= source.end:
        return None
    return ingest(source).pk

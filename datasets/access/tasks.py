"""Periodic tasks of data access (thin: they call a service)."""

from celery import shared_task


@shared_task(name="access.flush_api_usage")
def flush_api_usage_task():
    """Copy the API keys' request counters from Redis to the database (safe to
    run twice: each row receives the day's running total)."""
    from .metering import flush_api_usage

    return flush_api_usage()

"""Periodic tasks of data access (thin: they call a service)."""

from celery import shared_task


@shared_task(name="access.flush_api_usage")
def flush_api_usage_task():
    """Copy the API keys' request counters from Redis to the database (safe to
    run twice: each row receives the day's running total)."""
    from .metering import flush_api_usage

    return flush_api_usage()


@shared_task(name="access.send_expiry_reminders")
def send_expiry_reminders_task():
    """Email the teams whose grant or key ends in 30 or 7 days (safe to run
    twice: the outbox sends each reminder once)."""
    from .grants import send_expiry_reminders

    return send_expiry_reminders()

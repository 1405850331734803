"""Celery tasks of the workshops: thin, safe to run twice."""

from celery import shared_task

from .services.reminders import send_due_reminders


@shared_task(name="workshops.send_due_reminders")
def send_due_reminders_task():
    """Beat, every five minutes: the reminders that fell due."""
    return send_due_reminders()

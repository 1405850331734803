"""Celery tasks of the organiser back office (emails to teams).

Discovered by ``app.autodiscover_tasks(related_name="backoffice_tasks")`` in
``portal/celery.py``.
"""

from celery import shared_task

from .models import SentEmail


@shared_task(name="applications.send_team_email")
def send_team_email_task(*, sent_email_id):
    """Send one recorded team email; quiet when the row is gone or already sent."""
    from .services import send_team_email

    sent_email = (
        SentEmail.objects.select_related("application__call", "template")
        .filter(pk=sent_email_id)
        .first()
    )
    if sent_email is None or sent_email.application_id is None:
        return
    send_team_email(sent_email)

"""Celery tasks of the organiser back office (emails to teams).

Discovered by ``app.autodiscover_tasks(related_name="backoffice_tasks")`` in
``portal/celery.py``.
"""

from celery import shared_task

from .models import SentEmail

# A mail server down for a while: retried after 1, 2, 4, 8 and 16 minutes.
TEAM_EMAIL_RETRIES = 5


@shared_task(
    bind=True, name="applications.send_team_email", max_retries=TEAM_EMAIL_RETRIES
)
def send_team_email_task(self, *, sent_email_id):
    """Send one recorded team email; quiet when the row is gone or already sent.

    A transport failure is recorded on the row and retried with a growing
    delay; each retry writes only to the members not reached yet.
    """
    from .enums import EmailStatus
    from .services.emails import send_team_email

    sent_email = (
        SentEmail.objects.select_related("application__call", "template")
        .filter(pk=sent_email_id)
        .first()
    )
    if sent_email is None or sent_email.application_id is None:
        return
    sent_email = send_team_email(sent_email)
    if sent_email.status == EmailStatus.FAILED and self.request.retries < (
        self.max_retries
    ):
        raise self.retry(countdown=60 * 2**self.request.retries)

from celery import shared_task

from .models import OutgoingEmail
from .services import blank_old_bodies, send_outgoing_email, sweep_outbox


@shared_task(bind=True, name="outbox.send_email", max_retries=None, acks_late=True)
def send_outgoing_email_task(self, *, email_id):
    """Send one outbox email; retry with back-off while the mail server fails.

    The row, not Celery, counts the attempts: a retry lost with its worker is
    picked up by the sweeper, and a second run finds the row sent.
    """
    # The service locks and reads the row itself: only its id is needed here.
    email = OutgoingEmail.objects.only("pk").filter(pk=email_id).first()
    if email is None:
        return "gone"
    outcome = send_outgoing_email(email)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="outbox.sweep")
def sweep_outbox_task():
    """Queue again the emails whose send task was lost (every minute)."""
    return len(sweep_outbox())


@shared_task(name="outbox.blank_old_bodies")
def blank_old_bodies_task():
    """Blank the bodies of emails sent over a year ago (the stated retention)."""
    return blank_old_bodies()

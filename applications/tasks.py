"""Celery tasks of the applications: thin, take ids, safe to run twice.

Emails themselves are sent by the outbox's task (``portal.outbox.tasks``);
these tasks only do the work that should not happen in a web request.
"""

from celery import shared_task

from .models import Submission
from .services.emails import queue_missing_receipts, queue_submission_receipt


@shared_task(name="applications.send_submission_receipt")
def send_submission_receipt_task(*, submission_id):
    """Render the receipt of a submission with its PDF and queue it, once.

    Returns True when the receipt was queued by this run; False when the
    submission is gone or its receipt was already queued.
    """
    submission = (
        Submission.objects.select_related("application__call", "submitted_by")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        return False
    return queue_submission_receipt(submission) is not None


@shared_task(name="applications.queue_missing_receipts")
def queue_missing_receipts_task():
    """Queue the receipts whose task was lost (every five minutes)."""
    return queue_missing_receipts()

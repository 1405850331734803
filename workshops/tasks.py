"""Celery tasks of the workshops: thin, take ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

# --- After the workshop (wafter) ----------------------------------------------


@shared_task(name="workshops.build_certificates")
def build_certificates_task(*, run_id):
    """Generate the certificates of the run ``run_id`` (in French, the
    programme's language). Returns its state; None when the row is gone."""
    from .models import CertificateRun
    from .services.certificates import build_certificates

    run = CertificateRun.objects.select_related("workshop__room").filter(pk=run_id)
    run = run.first()
    if run is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        build_certificates(run)
    return run.state


@shared_task(name="workshops.send_feedback_invitations")
def send_feedback_invitations_task():
    """Email the feedback survey to the attendees of the workshops that ended
    (each once, ever). Returns how many were invited now."""
    from .services.feedback import send_feedback_invitations

    return send_feedback_invitations()

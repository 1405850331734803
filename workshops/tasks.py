"""Celery tasks of the workshops and the DemoDay: thin, take ids, safe twice."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from .services.reminders import send_due_reminders


@shared_task(name="workshops.send_due_reminders")
def send_due_reminders_task():
    """Beat, every five minutes: the reminders that fell due."""
    return send_due_reminders()


@shared_task(name="workshops.send_due_registration_emails")
def send_due_registration_emails_task():
    """Woken after registrations' commits, and by beat every minute: queue
    the confirmation (with the .ics) or waiting-list email of every
    registration marked due in the outbox, once (keyed). Returns how many."""
    from .services.registration import send_due_registration_emails

    return send_due_registration_emails()


# --- DemoDay ---


@shared_task(name="workshops.render_demoday_programme")
def render_demoday_programme_task(*, demoday_id):
    """Render the published timetable's PDF in each language into the cache,
    so that the public download never waits for WeasyPrint. Returns the
    number of PDFs ready; None when the DemoDay is gone or not published."""
    from .models import DemoDay
    from .services.demoday_pdf import programme_pdf_bytes

    demoday = DemoDay.objects.filter(pk=demoday_id).first()
    if demoday is None or demoday.order_published_at is None:
        return None
    for language, _name in settings.LANGUAGES:
        programme_pdf_bytes(demoday, language=language)
    return len(settings.LANGUAGES)


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

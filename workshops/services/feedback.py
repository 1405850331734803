"""The short feedback survey sent to attendees after a workshop."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.services.emails import email_language
from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.services import one_line, queue_email

from ..enums import RegistrationState, WorkshopState
from ..models import FeedbackInvitation, FeedbackResponse, Registration

# A survey is sent once the workshop has ended, and no longer after this: a
# worker down for a week does not send stale surveys.
FEEDBACK_SEND_WITHIN = datetime.timedelta(days=14)


class FeedbackError(Exception):
    """An answer refused, with a translated message."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def feedback_key(registration):
    """The outbox key of the survey email of ``registration``: one, ever."""
    return f"workshop-feedback:{registration.pk}"


def invite_to_feedback(registration, *, now=None):
    """Email the attendee of ``registration`` the link to the survey, once.

    Creates the ``FeedbackInvitation`` row and queues the email (kind
    FEEDBACK) in one transaction; a registration already invited is skipped
    (returns None). Writes ``workshop.feedback_invited``.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                invitation = FeedbackInvitation.objects.create(
                    registration=registration, sent_at=now or timezone.now()
                )
        except IntegrityError:
            return None
        user = registration.user
        workshop = registration.workshop
        language = email_language(user)
        with translation.override(language):
            context = {
                "name": user.display_name,
                "workshop": workshop,
                "title": workshop.display_title,
                "starts_at": timezone.localtime(workshop.starts_at),
                "link": settings.SITE_URL
                + reverse("workshops:feedback", kwargs={"slug": workshop.slug}),
            }
            subject = render_to_string("email/workshops/feedback_subject.txt", context)
            body = render_to_string("email/workshops/feedback_body.txt", context)
        queue_email(
            key=feedback_key(registration),
            kind=EmailKind.FEEDBACK,
            to=user.email,
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + one_line(subject),
            body=body,
            language=language,
            about=workshop.slug,
        )
        record_event(
            "workshop.feedback_invited",
            actor=None,
            target=registration,
            data={"workshop": workshop.slug},
        )
    return invitation


def registrations_due_for_feedback(*, now=None):
    """The checked-in registrations of workshops that ended (within the last
    ``FEEDBACK_SEND_WITHIN``) and whose attendee was not invited yet."""
    now = now or timezone.now()
    return (
        Registration.objects.filter(
            state=RegistrationState.CONFIRMED,
            checked_in_at__isnull=False,
            feedback_invitation__isnull=True,
            workshop__state=WorkshopState.PUBLISHED,
            workshop__ends_at__lte=now,
            workshop__ends_at__gt=now - FEEDBACK_SEND_WITHIN,
        )
        .select_related("user", "workshop")
        .order_by("pk")
    )


def send_feedback_invitations(*, now=None):
    """Invite every attendee due (``registrations_due_for_feedback``) to the
    survey; return how many were invited now. Safe to run twice, or in two
    workers at once: the invitation row is unique per registration."""
    sent = 0
    for registration in registrations_due_for_feedback(now=now).iterator():
        if invite_to_feedback(registration, now=now) is not None:
            sent += 1
    return sent


def record_feedback(registration, *, rating, useful, improve, now=None):
    """Save the answer of ``registration``'s attendee: one per registration.

    Raises ``FeedbackError`` when the attendee did not check in, the workshop
    has not ended, or an answer was already given. Writes
    ``workshop.feedback_given`` (without the answer's text).
    """
    now = now or timezone.now()
    if registration.checked_in_at is None:
        raise FeedbackError(_("Only people who attended can answer the survey."))
    if registration.workshop.ends_at > now:
        raise FeedbackError(_("The survey opens when the workshop ends."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                response = FeedbackResponse.objects.create(
                    registration=registration,
                    rating=rating,
                    useful=useful,
                    improve=improve,
                    submitted_at=now,
                )
        except IntegrityError:
            raise FeedbackError(
                _("You already answered this survey: thank you.")
            ) from None
        record_event(
            "workshop.feedback_given",
            actor=registration.user,
            target=registration,
            after={"rating": rating},
        )
    return response

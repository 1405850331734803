"""Deliberation: reminders to late jurors, pending decisions, their release.

A decision is recorded during deliberation and stays pending (``Decision``
with no ``released_at``) until the organiser releases the call's decisions
together: then every application moves to its decision, the Projects of the
retained ones are created, the call moves to ``released`` and each team member
gets the decision email through the outbox, exactly once.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.models import OutgoingEmail
from portal.outbox.services import one_line, queue_email

from ...enums import DECISION_STATES, ApplicationState, CallPhase, EmailStatus
from ...models import Application, Call, SentEmail
from ...services.emails import active_team_users, email_language, outbox_key
from ...services.review import change_state
from ..models import Assignment, Decision, JuryMembership
from ..selectors.assignment import ASSIGNABLE_STATES


class DeliberationError(ValidationError):
    """What the deliberation refuses (its message is shown to the organiser)."""


# --- Reminders ------------------------------------------------------------------


def reminder_key(membership, day):
    """The outbox key of the reminder to ``membership`` on ``day``: one a day."""
    return f"jury-reminder:{membership.pk}:{day.isoformat()}"


def _jury_link(language):
    with translation.override(language):
        return settings.SITE_URL + reverse("home") + "jury/"


def send_reminder(membership, *, actor, today=None):
    """Email ``membership``'s juror a reminder of the sheets still to submit.

    Through the outbox (kind ``jury_reminder``), in the juror's language, with
    the key ``jury-reminder:<membership>:<Paris date>``: a second reminder the
    same day (a double click) sends nothing more and returns None. Records
    ``jury.reminder_sent``. Raises ``DeliberationError`` outside the review
    phase (a juror cannot score then) or when the juror has no sheet left to
    submit. Returns the ``OutgoingEmail``.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            JuryMembership.objects.select_for_update(of=("self",))
            .select_related("user", "call")
            .get(pk=membership.pk)
        )
        if locked.call.phase != CallPhase.REVIEW:
            raise DeliberationError(
                _("Jurors are reminded during the review, while they can score."),
                code="not_in_review",
            )
        key = reminder_key(locked, today)
        if OutgoingEmail.objects.filter(idempotency_key=key).exists():
            return None
        assignments = Assignment.objects.filter(membership=locked)
        assigned = assignments.count()
        submitted = assignments.filter(sheet__submitted_at__isnull=False).count()
        pending = assigned - submitted
        if not pending:
            raise DeliberationError(
                _("%(name)s has submitted every sheet: there is nothing to remind."),
                code="nothing_to_remind",
                params={"name": locked.user.display_name},
            )
        language = email_language(locked.user)
        call = locked.call
        with translation.override(language):
            context = {
                "name": locked.user.display_name,
                "call_title": call.title,
                "pending": pending,
                "assigned": assigned,
                "submitted": submitted,
                "review_ends_on": call.review_ends_on,
                "link": _jury_link(language),
            }
            subject = render_to_string(
                "jury/deliberation_email_reminder_subject.txt", context
            )
            body = render_to_string("jury/deliberation_email_reminder.txt", context)
        email = queue_email(
            key=key,
            kind=EmailKind.JURY_REMINDER,
            to=locked.user.email,
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + one_line(subject),
            body=body,
            language=language,
            about=call.slug,
        )
        record_event(
            "jury.reminder_sent",
            actor=actor,
            target=locked,
            after={"pending": pending, "submitted": submitted, "assigned": assigned},
            data={"call": call.slug, "date": today.isoformat()},
        )
    return email


def remind_late_jurors(call, *, actor, today=None):
    """Send a reminder to every juror of ``call`` with sheets left to submit.

    Those reminded already today are skipped. Returns the number of reminders
    queued now; raises ``DeliberationError`` outside the review phase.
    """
    if call.phase != CallPhase.REVIEW:
        raise DeliberationError(
            _("Jurors are reminded during the review, while they can score."),
            code="not_in_review",
        )
    late = [
        membership
        for membership in JuryMembership.objects.filter(call=call).order_by("pk")
        if Assignment.objects.filter(membership=membership)
        .exclude(sheet__submitted_at__isnull=False)
        .exists()
    ]
    return sum(
        send_reminder(membership, actor=actor, today=today) is not None
        for membership in late
    )


# --- Decisions ------------------------------------------------------------------


def _decision_snapshot(decision):
    if decision is None:
        return None
    return {
        "outcome": decision.outcome,
        "motivation": decision.motivation,
        "feedback": decision.feedback,
    }


def record_decision(application, *, outcome, motivation, feedback, actor):
    """Record (or change) the pending decision on ``application``.

    Allowed while the call is in deliberation, for an application the jury
    works on whose decision is not released. ``outcome`` is retained, waiting
    list or not retained; ``feedback`` (sent to the team at release) is
    required, ``motivation`` stays internal. Records ``jury.decision_recorded``
    with the decision before and after. Raises ``DeliberationError``. Returns
    the ``Decision``.
    """
    if outcome not in {state.value for state in DECISION_STATES}:
        raise DeliberationError(
            _("Choose retained, waiting list or not retained."), code="not_a_decision"
        )
    feedback = (feedback or "").strip()
    if not feedback:
        raise DeliberationError(
            _("Write the feedback the team will receive."), code="feedback_required"
        )
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        if call.phase != CallPhase.DELIBERATION:
            raise DeliberationError(
                _("Decisions are recorded during deliberation."),
                code="not_in_deliberation",
            )
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state not in ASSIGNABLE_STATES:
            raise DeliberationError(
                _("The application %(reference)s is not awaiting a decision."),
                code="not_awaiting_decision",
                params={"reference": locked.reference},
            )
        decision = Decision.objects.filter(application=locked).first()
        if decision is not None and decision.released_at is not None:
            raise DeliberationError(
                _("This decision is released: it can no longer change."),
                code="released",
            )
        before = _decision_snapshot(decision)
        if decision is None:
            decision = Decision(application=locked)
        decision.outcome = outcome
        decision.motivation = (motivation or "").strip()
        decision.feedback = feedback
        decision.decided_by = (
            actor if getattr(actor, "is_authenticated", False) else None
        )
        decision.decided_at = timezone.now()
        decision.save()
        record_event(
            "jury.decision_recorded",
            actor=actor,
            target=decision,
            before=before,
            after=_decision_snapshot(decision),
            data={"application": locked.reference, "call": call.slug},
        )
    return decision


def render_decision_email(application, decision, *, language, name=""):
    """Return ``(subject, body)`` of the decision email in ``language``.

    The wording says what happened: the programme's decision after the jury's
    review, with the feedback. Used for the preview and the release alike.
    """
    outcome = ApplicationState(decision.outcome)
    with translation.override(language):
        context = {
            "name": name,
            "application": application,
            "call_title": application.call.title,
            "outcome": outcome.label,
            "retained": outcome == ApplicationState.RETAINED,
            "waiting_list": outcome == ApplicationState.WAITING_LIST,
            "feedback": decision.feedback,
            "link": settings.SITE_URL + reverse("accounts:dashboard"),
        }
        subject = render_to_string(
            "jury/deliberation_email_decision_subject.txt", context
        )
        body = render_to_string("jury/deliberation_email_decision.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + one_line(subject), body


def decision_email_key(application):
    """The prefix of the decision email's outbox keys: ``decision:<id>``."""
    return f"decision:{application.pk}"


def _queue_decision_emails(application, decision, *, actor):
    users = active_team_users(application)
    prefix = decision_email_key(application)
    lead = users[0] if users else None
    subject, body = render_decision_email(
        application,
        decision,
        language=email_language(lead),
        name=lead.display_name if lead else "",
    )
    sent_email, created = SentEmail.objects.get_or_create(
        key=prefix,
        defaults={
            "application": application,
            "kind": "decision",
            "to": [user.email for user in users],
            "subject": subject,
            "body": body,
            "sent_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    if created and not users:
        sent_email.status = EmailStatus.FAILED
        sent_email.error = str(_("The team has no active member to write to."))
        sent_email.save(update_fields=["status", "error"])
    deliveries = []
    for user in users:
        language = email_language(user)
        subject, body = render_decision_email(
            application, decision, language=language, name=user.display_name
        )
        deliveries.append(
            queue_email(
                key=outbox_key(prefix, user.email),
                kind=EmailKind.APPLICATION_STATE,
                to=user.email,
                subject=subject,
                body=body,
                language=language,
                about=application.reference,
            )
        )
    sent_email.deliveries.add(*deliveries)
    return sent_email


def missing_decisions(call):
    """Return the references of the applications of ``call`` still awaiting a
    decision that have none recorded."""
    return list(
        Application.objects.filter(call=call, state__in=ASSIGNABLE_STATES)
        .exclude(jury_decision__isnull=False)
        .order_by("reference")
        .values_list("reference", flat=True)
    )


def release_decisions(call, *, actor):
    """Release the pending decisions of ``call`` together; return how many.

    Refuses (``DeliberationError``) unless the call is in deliberation and
    every application awaiting a decision has one (the missing references are
    named). In one transaction, the call's row locked: each application moves
    through ``change_state`` (admissible → under review → its decision, the
    retained ones getting their Project), its ``Decision.released_at`` is set,
    each team member gets the decision email through the outbox (key
    ``decision:<application id>:<address>``), the call moves to ``released``
    and ``jury.decisions_released`` is recorded. A failure part-way rolls all
    of it back; a release run again once done sends nothing and returns 0.
    """
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.phase == CallPhase.RELEASED:
            return 0
        if locked.phase != CallPhase.DELIBERATION:
            raise DeliberationError(
                _("Decisions are released at the end of the deliberation."),
                code="not_in_deliberation",
            )
        missing = missing_decisions(locked)
        if missing:
            raise DeliberationError(
                _("No decision yet for: %(references)s."),
                code="decisions_missing",
                params={"references": ", ".join(missing)},
            )
        decisions = list(
            Decision.objects.filter(
                application__call=locked,
                application__state__in=ASSIGNABLE_STATES,
                released_at__isnull=True,
            )
            .select_related("application__call")
            .order_by("application__reference")
        )
        now = timezone.now()
        for decision in decisions:
            application = decision.application
            if application.state == ApplicationState.ADMISSIBLE:
                change_state(application, ApplicationState.UNDER_REVIEW, actor=actor)
            change_state(
                application, decision.outcome, actor=actor, feedback=decision.feedback
            )
            decision.released_at = now
            decision.save(update_fields=["released_at"])
            _queue_decision_emails(application, decision, actor=actor)
        before = locked.phase
        locked.phase = CallPhase.RELEASED
        locked.phase_changed_at = now
        locked.save(update_fields=["phase", "phase_changed_at"])
        counts = {
            state.value: sum(d.outcome == state for d in decisions)
            for state in sorted(DECISION_STATES)
        }
        record_event(
            "jury.decisions_released",
            actor=actor,
            target=locked,
            before={"phase": before},
            after={"phase": CallPhase.RELEASED.value, **counts},
            data={"applications": [d.application.reference for d in decisions]},
        )
    call.phase = locked.phase
    call.phase_changed_at = locked.phase_changed_at
    return len(decisions)

"""Every change to an application goes through these functions.

Each one runs in a transaction, locks the application row, checks the allowed
transitions (``APPLICATION_TRANSITIONS`` in ``enums.py``), saves with
``update_fields``, records an audit event and queues its side effects with
``transaction.on_commit``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from .enums import APPLICATION_TRANSITIONS, DECISION_STATES, ApplicationState
from .models import Application

# --- Domain errors -------------------------------------------------------------


class ApplicationStateError(ValidationError):
    """The application's state does not allow what was asked."""


class DeadlinePassedError(ValidationError):
    """The call is closed (or not open yet) at the time of the request."""


class IncompleteApplicationError(ValidationError):
    """The application misses required content; ``missing`` lists it.

    ``missing`` is a list of ``(field_name, message)`` pairs, in form order.
    """

    def __init__(self, missing):
        self.missing = list(missing)
        super().__init__([message for _name, message in self.missing])


class NotEligibleError(ValidationError):
    """The eligibility screen failed; ``reasons`` say why."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__(self.reasons)


class TeamError(ValidationError):
    """A change to the team that is not allowed."""


class EditConflictError(Exception):
    """Fields changed by someone else since the client's version.

    Not raised by ``save_draft`` (which merges what it can and reports the
    conflicts); kept for callers that want all-or-nothing behaviour.
    """

    def __init__(self, conflicts):
        self.conflicts = conflicts
        super().__init__(", ".join(sorted(conflicts)))


# --- States -------------------------------------------------------------------


def _lock(application):
    return Application.objects.select_for_update().get(pk=application.pk)


def _sync(application, locked, fields):
    """Copy saved values back onto the caller's instance."""
    for field in fields:
        setattr(application, field, getattr(locked, field))


def change_state(application, new_state, *, actor, reason="", feedback=""):
    """Move ``application`` to ``new_state`` if the transition table allows it.

    Locks the row, saves the state (and the reason for an inadmissibility, the
    feedback for a decision), stamps ``state_changed_at`` and records the audit
    event ``application.<new_state>`` with the state before and after.
    Raises ``ApplicationStateError`` when the transition is not allowed, or
    when an inadmissibility comes without a reason. Returns the application.
    """
    new_state = ApplicationState(new_state)
    with transaction.atomic():
        locked = _lock(application)
        old_state = ApplicationState(locked.state)
        if new_state not in APPLICATION_TRANSITIONS[old_state]:
            raise ApplicationStateError(
                _("An application cannot go from “%(before)s” to “%(after)s”."),
                code="transition_not_allowed",
                params={"before": old_state.label, "after": new_state.label},
            )
        if new_state == ApplicationState.INADMISSIBLE and not reason.strip():
            raise ApplicationStateError(
                _("Give the reason why the application is inadmissible."),
                code="reason_required",
            )
        locked.state = new_state
        locked.state_changed_at = timezone.now()
        fields = ["state", "state_changed_at"]
        if new_state == ApplicationState.INADMISSIBLE:
            locked.inadmissibility_reason = reason.strip()
            fields.append("inadmissibility_reason")
        elif new_state == ApplicationState.ADMISSIBLE:
            locked.inadmissibility_reason = ""
            fields.append("inadmissibility_reason")
        if new_state in DECISION_STATES:
            locked.decision_feedback = feedback.strip()
            fields.append("decision_feedback")
        locked.save(update_fields=fields)
        after = {"state": new_state.value}
        if reason:
            after["reason"] = reason.strip()
        if feedback:
            after["feedback"] = feedback.strip()
        record_event(
            f"application.{new_state.value}",
            actor=actor,
            target=locked,
            before={"state": old_state.value},
            after=after,
        )
    _sync(application, locked, fields)
    return application


# --- Back-office services (admissibility, review, decisions) below ---


from django.conf import settings as _settings  # noqa: E402
from django.core.mail import EmailMessage  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from .enums import EmailStatus  # noqa: E402
from .models import Call, EmailTemplate, ExtraQuestion, SentEmail  # noqa: E402


class CallError(ValidationError):
    """A change to a call that is not allowed (publishing an unfinished call)."""


def _call_snapshot(call):
    return {
        "slug": call.slug,
        "title_fr": call.title_fr,
        "opens_at": call.opens_at.isoformat() if call.opens_at else None,
        "closes_at": call.closes_at.isoformat() if call.closes_at else None,
        "is_published": call.is_published,
        "eligible_types": list(call.eligible_types or []),
        "themes": list(call.themes or []),
        "grid": call.grid,
    }


def _save_questions(call, questions):
    for question in questions:
        pk = question.pop("id", None)
        delete = question.pop("delete", False)
        if pk:
            existing = ExtraQuestion.objects.filter(call=call, pk=pk)
            if delete:
                existing.delete()
            else:
                existing.update(**question)
        elif not delete:
            ExtraQuestion.objects.create(call=call, **question)


def save_call(call, *, fields, datasets, grid, questions=(), actor):
    """Create (``call=None``) or update a call with its datasets, grid, questions.

    ``fields`` are the model fields; ``grid`` the list of criteria dicts
    (key, label_fr, label_en, weight); ``questions`` dicts of ExtraQuestion
    fields with ``id`` (to update) and ``delete``. Records ``call.created`` or
    ``call.updated``. Returns the call.
    """
    with transaction.atomic():
        created = call is None
        before = None if created else _call_snapshot(call)
        if created:
            call = Call(**fields, grid=grid)
            call.save()
        else:
            call = Call.objects.select_for_update().get(pk=call.pk)
            for name, value in fields.items():
                setattr(call, name, value)
            call.grid = grid
            call.save(update_fields=[*fields, "grid"])
        call.datasets.set(datasets)
        _save_questions(call, [dict(q) for q in questions])
        record_event(
            "call.created" if created else "call.updated",
            actor=actor,
            target=call,
            before=before,
            after=_call_snapshot(call),
        )
    return call


def publish_call(call, *, actor):
    """Publish the call so applicants see it; records ``call.published``.

    Raises ``CallError`` when the call has no eligible type, no theme, no
    dataset offered or no evaluation grid.
    """
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        missing = []
        if not locked.eligible_types:
            missing.append(_("eligible applicant types"))
        if not locked.themes:
            missing.append(_("themes"))
        if not locked.datasets.exists():
            missing.append(_("datasets offered"))
        if not locked.grid:
            missing.append(_("evaluation grid"))
        if missing:
            raise CallError(
                _("The call cannot be published without: %(missing)s."),
                code="call_incomplete",
                params={"missing": ", ".join(str(m) for m in missing)},
            )
        if locked.is_published:
            return call
        locked.is_published = True
        locked.save(update_fields=["is_published"])
        record_event(
            "call.published",
            actor=actor,
            target=locked,
            before={"is_published": False},
            after={"is_published": True},
        )
    call.is_published = True
    return call


def unpublish_call(call, *, actor):
    """Withdraw the call from the public pages; records ``call.unpublished``."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if not locked.is_published:
            return call
        locked.is_published = False
        locked.save(update_fields=["is_published"])
        record_event(
            "call.unpublished",
            actor=actor,
            target=locked,
            before={"is_published": True},
            after={"is_published": False},
        )
    call.is_published = False
    return call


def mark_admissible(application, *, actor):
    """Declare a submitted application admissible (or overturn an inadmissibility).

    Raises ``ApplicationStateError`` from any other state.
    """
    return change_state(application, ApplicationState.ADMISSIBLE, actor=actor)


def mark_inadmissible(application, *, reason, actor):
    """Declare the application inadmissible and email the reason to its team.

    The reason is required (``ApplicationStateError`` otherwise); the email is
    recorded as a ``SentEmail`` of kind ``inadmissible`` and sent by Celery after
    the commit.
    """
    with transaction.atomic():
        change_state(
            application, ApplicationState.INADMISSIBLE, actor=actor, reason=reason
        )
        queue_state_email(application, kind="inadmissible", actor=actor)
    return application


def start_review(application, *, actor):
    """Put an admissible application under the jury's review."""
    return change_state(application, ApplicationState.UNDER_REVIEW, actor=actor)


def decide_application(application, decision, *, feedback, actor):
    """Record the decision (retained, waiting list, not retained) and email it.

    Written feedback is required. Raises ``ApplicationStateError`` when the
    decision is not one of the three or not allowed from the current state. The
    email (kind ``decision``) is recorded and sent by Celery after the commit.
    """
    decision = ApplicationState(decision)
    if decision not in DECISION_STATES:
        raise ApplicationStateError(
            _("“%(state)s” is not a decision."),
            code="not_a_decision",
            params={"state": decision.label},
        )
    if not (feedback or "").strip():
        raise ApplicationStateError(
            _("Write the feedback the team will receive."),
            code="feedback_required",
        )
    with transaction.atomic():
        change_state(application, decision, actor=actor, feedback=feedback)
        queue_state_email(application, kind="decision", actor=actor)
    return application


# --- Emails to teams ------------------------------------------------------------


class _Placeholders(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _team_users(application):
    return [
        member.user
        for member in application.team.select_related("user").order_by(
            "-role", "joined_at"
        )
        if member.user.is_active
    ]


def _placeholders(application, *, name=""):
    link = _settings.SITE_URL + reverse("accounts:dashboard")
    return _Placeholders(
        reference=application.reference,
        title=application.title,
        call=application.call.title,
        organisation=application.organisation_name,
        name=name,
        link=link,
    )


def _format(text, values):
    try:
        return text.format_map(values)
    except (ValueError, IndexError, AttributeError):
        return text


def render_team_email(sent_email, *, language, name=""):
    """Return ``(subject, body)`` of a recorded email in ``language``.

    A template email fills the template's placeholders; an ``inadmissible`` or
    ``decision`` email says the state with the reason or feedback. The body is
    wrapped by ``templates/email/team_message.txt``.
    """
    application = sent_email.application
    with translation.override(language):
        values = _placeholders(application, name=name)
        if sent_email.template_id:
            template = sent_email.template
            subject = getattr(template, f"subject_{language}", "") or (
                template.subject_fr
            )
            message = getattr(template, f"body_{language}", "") or template.body_fr
            subject, message = _format(subject, values), _format(message, values)
        elif sent_email.kind == "inadmissible":
            subject = _("Your application %(reference)s is not admissible") % {
                "reference": application.reference
            }
            message = _(
                "After checking the admissibility criteria of the call, your "
                "application “%(title)s” cannot be examined by the jury, for "
                "this reason:\n\n%(reason)s"
            ) % {
                "title": application.title,
                "reason": application.inadmissibility_reason,
            }
        elif sent_email.kind == "decision":
            subject = _("Decision on your application %(reference)s: %(decision)s") % {
                "reference": application.reference,
                "decision": ApplicationState(application.state).label,
            }
            message = _(
                "The jury has examined your application “%(title)s”.\n\n"
                "Decision: %(decision)s\n\nFeedback:\n%(feedback)s"
            ) % {
                "title": application.title,
                "decision": ApplicationState(application.state).label,
                "feedback": application.decision_feedback,
            }
        else:
            subject, message = sent_email.subject, sent_email.body
        body = render_to_string(
            "email/team_message.txt",
            {
                "name": name,
                "message": message,
                "application": application,
                "call_title": application.call.title,
                "link": values["link"],
            },
        )
    return str(subject).replace("\n", " ").strip(), body


def _record_email(application, *, kind, template=None, actor):
    users = _team_users(application)
    sent_email = SentEmail(
        application=application,
        template=template,
        kind=kind,
        to=[user.email for user in users],
        sent_by=actor if actor is not None and actor.is_authenticated else None,
    )
    lead = users[0] if users else None
    language = lead.language if lead else "fr"
    sent_email.subject, sent_email.body = render_team_email(
        sent_email, language=language, name=lead.display_name if lead else ""
    )
    sent_email.save()
    return sent_email


def _queue_send(sent_email_ids):
    from .backoffice_tasks import send_team_email_task

    for sent_email_id in sent_email_ids:
        send_team_email_task.delay(sent_email_id=sent_email_id)


def queue_state_email(application, *, kind, actor):
    """Record an email about the application's new state and queue its sending."""
    sent_email = _record_email(application, kind=kind, actor=actor)
    transaction.on_commit(lambda: _queue_send([sent_email.pk]))
    return sent_email


def queue_team_emails(applications, template, *, actor):
    """Record one email per application from ``template`` and queue them.

    Each is sent by Celery in every team member's language. Records the audit
    event ``team_email.queued`` on the template. Returns the ``SentEmail`` rows.
    """
    with transaction.atomic():
        sent_emails = [
            _record_email(application, kind="team_message", template=template,
                          actor=actor)
            for application in applications
        ]
        record_event(
            "team_email.queued",
            actor=actor,
            target=template,
            data={
                "count": len(sent_emails),
                "applications": [e.application.reference for e in sent_emails],
            },
        )
        ids = [e.pk for e in sent_emails]
        transaction.on_commit(lambda: _queue_send(ids))
    return sent_emails


def send_team_email(sent_email):
    """Send a recorded email to each team member in their language.

    Safe to run twice: an email already sent is not sent again. Marks the row
    ``sent`` with the time, or ``failed`` with the error.
    """
    if sent_email.status == EmailStatus.SENT:
        return sent_email
    users = _team_users(sent_email.application)
    try:
        for user in users:
            subject, body = render_team_email(
                sent_email, language=user.language, name=user.display_name
            )
            EmailMessage(
                subject=_settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body=body,
                to=[user.email],
            ).send()
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded.
        sent_email.status = EmailStatus.FAILED
        sent_email.error = str(exc)[:2000]
        sent_email.save(update_fields=["status", "error"])
        return sent_email
    sent_email.status = EmailStatus.SENT
    sent_email.sent_at = timezone.now()
    sent_email.to = [user.email for user in users]
    sent_email.error = ""
    sent_email.save(update_fields=["status", "sent_at", "to", "error"])
    return sent_email


def save_email_template(template, *, fields, actor):
    """Create (``template=None``) or update an email template; audited."""
    with transaction.atomic():
        created = template is None
        if created:
            template = EmailTemplate.objects.create(**fields)
        else:
            for name, value in fields.items():
                setattr(template, name, value)
            template.save(update_fields=list(fields))
        record_event(
            "email_template.created" if created else "email_template.updated",
            actor=actor,
            target=template,
            after={"slug": template.slug, "name": template.name},
        )
    return template

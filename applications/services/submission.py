"""Completeness, the frozen content and its fingerprint, submission, withdrawal."""

import hashlib
import json
import logging
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from .. import fields as registry
from ..enums import ApplicationState
from ..models import Application, Submission
from .base import ApplicationStateError, IncompleteApplicationError, _sync
from .drafts import EDITABLE_STATES, deadline_passed_error
from .review import change_state

logger = logging.getLogger(__name__)

# --- Completeness, content and submission -----------------------------------


def completeness_problems(application):
    """Return ``[(field_name, message), ...]`` for what submission still needs.

    Checked field by field from the registry (``applications.fields``), in the
    form's order; field names are the form's, so each message links to its
    field.
    """
    problems = []
    for item in registry.CONTENT_FIELDS:
        problems.extend(registry.field_problems(item, application))
    return problems


def application_content(application, *, questions=None):
    """Return the application's content as a JSON-ready dict (what is frozen).

    Every field of the registry, as codes. It holds no time and no version, so
    the same content always gives the same fingerprint. ``questions`` (the
    call's extra questions) spares a query per application in a list.
    """
    return registry.freeze(application, questions=questions)


def content_fingerprint(content):
    """Return the SHA-256 (hex) of ``content`` serialised canonically."""
    serialised = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(serialised.encode("utf-8")).hexdigest()


def submit_application(application, *, actor, now=None):
    """Submit (or re-submit) ``application``; return its ``Submission``.

    The server's clock decides: at or after the call's ``closes_at`` it raises
    ``DeadlinePassedError`` naming the deadline in Paris time. Raises
    ``IncompleteApplicationError`` listing what is missing. Under a row lock,
    when the content's fingerprint equals the last submission's (a double click,
    a retry) that submission is returned and nothing else happens. Otherwise a
    new numbered ``Submission`` freezes the content; the first one moves the
    state to submitted (``application.submitted``), later ones are audited as
    ``application.resubmitted``. After commit, a task renders the receipt and
    its PDF and queues it in the outbox (``emails.queue_submission_receipt``).
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call__charter")
            .get(pk=application.pk)
        )
        now = now or timezone.now()
        if locked.state not in EDITABLE_STATES:
            raise ApplicationStateError(
                _("This application is “%(state)s”: it cannot be submitted."),
                code="not_submittable",
                params={"state": ApplicationState(locked.state).label},
            )
        if not locked.call.is_open_at(now):
            raise deadline_passed_error(locked.call)
        missing = completeness_problems(locked)
        if missing:
            raise IncompleteApplicationError(missing)
        content = application_content(locked)
        sha256 = content_fingerprint(content)
        last = locked.submissions.order_by("-number").first()
        if last is not None and last.sha256 == sha256:
            return last
        submission = Submission.objects.create(
            application=locked,
            number=(last.number + 1) if last else 1,
            content=content,
            sha256=sha256,
            submitted_by=actor,
            submitted_at=now,
        )
        if locked.state == ApplicationState.DRAFT:
            change_state(locked, ApplicationState.SUBMITTED, actor=actor)
        else:
            record_event(
                "application.resubmitted",
                actor=actor,
                target=locked,
                before={"submission": last.number, "sha256": last.sha256},
                after={"submission": submission.number, "sha256": sha256},
            )
        locked.submitted_at = now
        locked.save(update_fields=["submitted_at"])
        transaction.on_commit(partial(enqueue_receipt, submission.pk))
    _sync(application, locked, ["state", "state_changed_at", "submitted_at"])
    return submission


def withdraw_application(application, *, actor):
    """Withdraw ``application`` (allowed before any decision).

    Raises ``ApplicationStateError`` otherwise. Audited as
    ``application.withdrawn``.
    """
    return change_state(application, ApplicationState.WITHDRAWN, actor=actor)


def enqueue_receipt(submission_id):
    """Queue the task that renders and queues a submission's receipt.

    On a broker error, log it: ``emails.queue_missing_receipts`` (every few
    minutes) queues the receipts whose task never ran, so none is lost and the
    submission, already saved, is not reported as failed.
    """
    # Imported here: ``tasks`` imports ``services.emails``, and this package's
    # ``__init__`` imports this module.
    from ..tasks import send_submission_receipt_task

    try:
        send_submission_receipt_task.delay(submission_id=submission_id)
    except Exception:
        logger.exception(
            "The receipt task of submission %s could not be queued; the "
            "receipt sweeper will queue it",
            submission_id,
        )

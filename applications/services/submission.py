"""Completeness, the frozen content and its fingerprint, submission, withdrawal."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_event

from ..enums import ApplicationState, Maturity, QuestionKind
from ..models import Application, Submission
from ..validators import normalise_siret, validate_siret
from .base import ApplicationStateError, IncompleteApplicationError, _sync
from .drafts import (
    EDITABLE_STATES,
    SCALAR_FIELDS,
    SUMMARY_MAX_LENGTH,
    deadline_passed_error,
)
from .review import change_state

# --- Completeness, content and submission -----------------------------------

REQUIRED_TEXT = (
    ("organisation_name", _("The organisation's name is missing.")),
    ("title", _("The project title is missing.")),
    ("summary", _("The short summary is missing.")),
    ("problem", _("The residents' problem is missing.")),
    ("proposed_service", _("The proposed service is missing.")),
    ("target_users", _("The target users are missing.")),
    ("privacy_safeguards", _("The privacy safeguards are missing.")),
    ("ai_use", _("Say whether you use AI (and how it is explained).")),
    ("co_construction_plan", _("The co-construction plan is missing.")),
    ("expected_impact", _("The expected impact is missing.")),
    ("milestones", _("The milestones to the DemoDay are missing.")),
    ("sustainability", _("The sustainability of the project is missing.")),
)


def completeness_problems(application):
    """Return ``[(field_name, message), ...]`` for what submission still needs.

    Field names are the form's, so each message links to its field.
    """
    call = application.call
    problems = []

    def require(name, ok, message):
        if not ok:
            problems.append((name, message))

    text = {
        name: (getattr(application, name) or "").strip()
        for name in SCALAR_FIELDS
        if not isinstance(getattr(application, name), bool)
    }
    require("organisation_name", text["organisation_name"], REQUIRED_TEXT[0][1])
    require(
        "applicant_type",
        application.applicant_type in (call.eligible_types or []),
        _("Choose an applicant type among those the call accepts."),
    )
    if text["siret"]:
        try:
            validate_siret(text["siret"])
        except ValidationError as exc:
            problems.append(("siret", exc.messages[0]))
    if text["website"]:
        try:
            URLValidator(schemes=["http", "https"])(text["website"])
        except ValidationError:
            problems.append(
                ("website", _("The website address is not valid (https://...)."))
            )
    for name, message in REQUIRED_TEXT[1:3]:
        require(name, text[name], message)
    if len(application.summary or "") > SUMMARY_MAX_LENGTH:
        problems.append(
            (
                "summary",
                _("The summary is %(length)s characters long; the limit is 500.")
                % {"length": len(application.summary)},
            )
        )
    require(
        "themes",
        bool(set(application.themes or []) & set(call.themes or [])),
        _("Choose at least one theme."),
    )
    for name, message in REQUIRED_TEXT[3:6]:
        require(name, text[name], message)
    requested = list(application.requested_datasets.all())
    require(
        "datasets",
        bool(requested),
        _("Choose at least one dataset you need."),
    )
    for row in requested:
        require(
            f"dataset_{row.dataset_id}_purpose",
            (row.purpose or "").strip(),
            _("Say what you will do with the dataset “%(name)s”.")
            % {"name": row.dataset.name},
        )
    for name, message in REQUIRED_TEXT[6:10]:
        require(name, text[name], message)
    indicators = [value for value in application.impact_indicators or [] if value]
    require(
        "impact_indicator_1",
        len(indicators) >= 2,
        _("Give at least two impact indicators."),
    )
    require(
        "maturity",
        application.maturity in Maturity.values,
        _("Choose the project's maturity."),
    )
    for name, message in REQUIRED_TEXT[10:]:
        require(name, text[name], message)
    attachments = list(application.attachments.all())
    answers = application.extra_answers or {}
    for question in call.extra_questions.all():
        name = f"extra_{question.pk}"
        if question.kind == QuestionKind.FILE:
            answered = any(item.question_id == question.pk for item in attachments)
        else:
            answered = answers.get(str(question.pk)) not in (None, "", [])
        if question.required:
            require(
                name,
                answered,
                _("Answer the question “%(label)s”.") % {"label": question.label},
            )
        value = answers.get(str(question.pk))
        if (
            question.max_length
            and isinstance(value, str)
            and len(value) > question.max_length
        ):
            problems.append(
                (
                    name,
                    _(
                        "The answer to “%(label)s” is %(length)s characters long; "
                        "the limit is %(limit)s."
                    )
                    % {
                        "label": question.label,
                        "length": len(value),
                        "limit": question.max_length,
                    },
                )
            )
    require(
        "pitch_deck",
        any(item.is_pitch_deck for item in attachments),
        _("Attach the pitch deck (PDF)."),
    )
    require(
        "accepts_charter",
        application.accepts_charter
        and application.charter_version == call.charter.version,
        _("Accept the data charter (version %(version)s).")
        % {"version": call.charter.version},
    )
    require(
        "accepts_privacy_notice",
        application.accepts_privacy_notice,
        _("Confirm you have read the privacy notice."),
    )
    require(
        "certifies_accuracy",
        application.certifies_accuracy,
        _("Certify that the information is accurate."),
    )
    return problems


def application_content(application):
    """Return the application's content as a JSON-ready dict (what is frozen).

    It holds no time and no version, so the same content always gives the same
    fingerprint.
    """
    call = application.call
    questions = {question.pk: question for question in call.extra_questions.all()}
    answers = application.extra_answers or {}
    return {
        "reference": application.reference,
        "call": call.slug,
        "organisation": {
            "name": application.organisation_name,
            "type": application.applicant_type,
            "siret": normalise_siret(application.siret),
            "website": application.website,
        },
        "team": [
            {
                "name": member.user.full_name,
                "email": member.user.email,
                "role": member.role,
                "job_title": member.job_title,
            }
            for member in application.team.select_related("user").order_by(
                "-role", "joined_at", "pk"
            )
        ],
        "project": {
            name: getattr(application, name)
            for name in (
                "title",
                "summary",
                "problem",
                "proposed_service",
                "target_users",
                "privacy_safeguards",
                "ai_use",
                "co_construction_plan",
                "expected_impact",
                "maturity",
                "milestones",
                "sustainability",
            )
        }
        | {
            "themes": sorted(application.themes or []),
            "impact_indicators": [
                value for value in application.impact_indicators or [] if value
            ],
        },
        "requested_datasets": [
            {
                "slug": row.dataset.slug,
                "name": row.dataset.name_fr,
                "purpose": row.purpose,
                "granularity": row.granularity,
            }
            for row in application.requested_datasets.select_related(
                "dataset"
            ).order_by("dataset__position", "dataset__slug")
        ],
        "extra_answers": [
            {
                "question": question.pk,
                "label": question.label_fr,
                "kind": question.kind,
                "answer": answers.get(str(question.pk)),
            }
            for question in questions.values()
            if question.kind != QuestionKind.FILE
        ],
        "attachments": [
            {
                "name": item.original_name,
                "size": item.size,
                "sha256": item.sha256,
                "pitch_deck": item.is_pitch_deck,
                "question": item.question_id,
            }
            for item in application.attachments.order_by("uploaded_at", "pk")
        ],
        "declarations": {
            "accepts_charter": application.accepts_charter,
            "charter_version": application.charter_version,
            "accepts_privacy_notice": application.accepts_privacy_notice,
            "certifies_accuracy": application.certifies_accuracy,
        },
    }


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
    ``application.resubmitted``. The receipt email is queued on commit.
    """
    from ..tasks import send_submission_receipt_task

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
        transaction.on_commit(
            lambda: send_submission_receipt_task.delay(submission_id=submission.pk)
        )
    _sync(application, locked, ["state", "state_changed_at", "submitted_at"])
    return submission


def withdraw_application(application, *, actor):
    """Withdraw ``application`` (allowed before any decision).

    Raises ``ApplicationStateError`` otherwise. Audited as
    ``application.withdrawn``.
    """
    return change_state(application, ApplicationState.WITHDRAWN, actor=actor)


def mark_receipt_sent(submission, *, now=None):
    """Stamp the submission's receipt as sent (once)."""
    Submission.objects.filter(pk=submission.pk, receipt_sent_at=None).update(
        receipt_sent_at=now or timezone.now()
    )

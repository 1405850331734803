"""Every change to an application goes through these functions.

Each one runs in a transaction, locks the application row, checks the allowed
transitions (``APPLICATION_TRANSITIONS`` in ``enums.py``), saves with
``update_fields``, records an audit event and queues its side effects with
``transaction.on_commit``.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditEvent
from portal.audit.services import record_event

from .enums import (
    APPLICATION_TRANSITIONS,
    DECISION_STATES,
    ApplicantType,
    ApplicationState,
    Granularity,
    Maturity,
    QuestionKind,
    TeamRole,
)
from .models import (
    Application,
    Attachment,
    RequestedDataset,
    Submission,
    TeamInvitation,
    TeamMember,
)
from .validators import normalise_siret, validate_pdf_upload, validate_siret

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
    for name in fields:
        setattr(application, name, getattr(locked, name))


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
        if new_state == ApplicationState.RETAINED:
            create_project(locked, actor=actor)
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


def create_project(application, *, actor):
    """Make the Project of a retained ``application`` (once; returns it).

    Its public name and summary start from the application's title and
    summary; its slug is unique. Records ``project.created``. Returns the
    existing Project when the application already has one.
    """
    from django.utils.text import slugify

    from .models import Project

    with transaction.atomic():
        existing = Project.objects.filter(application=application).first()
        if existing is not None:
            return existing
        base = slugify(application.title)[:60] or application.reference.lower()
        slug, number = base, 1
        while Project.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        project = Project.objects.create(
            application=application,
            slug=slug,
            name=application.title or application.reference,
            summary=application.summary,
        )
        record_event(
            "project.created",
            actor=actor,
            target=project,
            after={"application": application.reference, "slug": slug},
        )
    return project


# --- Reading and writing the draft's fields -----------------------------------

# Application fields a team edits, saved as they are typed.
SCALAR_FIELDS = (
    "organisation_name",
    "applicant_type",
    "siret",
    "website",
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
    "accepts_charter",
    "accepts_privacy_notice",
    "certifies_accuracy",
)
INDICATOR_COUNT = 3
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED)
SUMMARY_MAX_LENGTH = 500
DATASET_KEY = re.compile(r"^dataset_(?P<id>\d+)(?:_(?P<part>purpose|granularity))?$")
EXTRA_KEY = re.compile(r"^extra_(?P<id>\d+)$")
INDICATOR_KEY = re.compile(r"^impact_indicator_(?P<index>[1-3])$")


def is_draft_field(name):
    """True when ``name`` is a key ``save_draft`` knows how to store."""
    return bool(
        name in SCALAR_FIELDS
        or name == "themes"
        or DATASET_KEY.match(name)
        or EXTRA_KEY.match(name)
        or INDICATOR_KEY.match(name)
    )


def _indicators(application):
    values = list(application.impact_indicators or [])
    return (values + [""] * INDICATOR_COUNT)[:INDICATOR_COUNT]


def read_draft_value(application, name, *, rows):
    """Return the stored value of the draft field ``name``.

    ``rows`` maps dataset ids to the application's ``RequestedDataset`` rows.
    """
    if name in SCALAR_FIELDS:
        return getattr(application, name)
    if name == "themes":
        return sorted(application.themes or [])
    if match := INDICATOR_KEY.match(name):
        return _indicators(application)[int(match["index"]) - 1]
    if match := EXTRA_KEY.match(name):
        return (application.extra_answers or {}).get(match["id"])
    if match := DATASET_KEY.match(name):
        row = rows.get(int(match["id"]))
        if match["part"] is None:
            return row is not None
        if match["part"] == "purpose":
            return row.purpose if row else ""
        return row.granularity if row else Granularity.HOUR
    raise KeyError(name)


def _write_draft_value(application, name, value, *, rows, offered):
    """Store ``value``; return the model fields to save (empty for rows)."""
    if name in SCALAR_FIELDS:
        setattr(application, name, value)
        if name == "accepts_charter":
            application.charter_version = (
                application.call.charter.version if value else ""
            )
            return [name, "charter_version"]
        return [name]
    if name == "themes":
        application.themes = sorted(value or [])
        return ["themes"]
    if match := INDICATOR_KEY.match(name):
        values = _indicators(application)
        values[int(match["index"]) - 1] = value or ""
        while values and not values[-1]:
            values.pop()
        application.impact_indicators = values
        return ["impact_indicators"]
    if match := EXTRA_KEY.match(name):
        answers = dict(application.extra_answers or {})
        if value in (None, "", []):
            answers.pop(match["id"], None)
        else:
            answers[match["id"]] = value
        application.extra_answers = answers
        return ["extra_answers"]
    match = DATASET_KEY.match(name)
    dataset_id = int(match["id"])
    if dataset_id not in offered:
        return []
    row = rows.get(dataset_id)
    if match["part"] is None:
        if value and row is None:
            rows[dataset_id] = RequestedDataset.objects.create(
                application=application, dataset_id=dataset_id
            )
        elif not value and row is not None:
            row.delete()
            del rows[dataset_id]
        return []
    if row is None:
        if match["part"] == "granularity" or not value:
            return []
        # Typing a purpose for a dataset asks for it: the text is kept.
        row = rows[dataset_id] = RequestedDataset.objects.create(
            application=application, dataset_id=dataset_id
        )
    setattr(row, match["part"], value)
    row.save(update_fields=[match["part"]])
    return []


def _draft_order(name):
    # Ask for datasets before writing their purpose and granularity.
    match = DATASET_KEY.match(name)
    return (0 if match and match["part"] is None else 1, name)


@dataclass
class DraftSaveResult:
    """What ``save_draft`` did: the new version, what it saved, what it refused."""

    version: int
    saved_at: datetime.datetime
    saved: list = field(default_factory=list)
    # {"field": value stored by someone else} for each refused field.
    conflicts: dict = field(default_factory=dict)


def check_editable(application, *, now=None):
    """Raise when the team can no longer change ``application``.

    Editing is possible in draft and after submission until the call closes.
    Raises ``ApplicationStateError`` or ``DeadlinePassedError``.
    """
    now = now or timezone.now()
    if application.state not in EDITABLE_STATES:
        raise ApplicationStateError(
            _("This application is “%(state)s”: it can no longer be changed."),
            code="not_editable",
            params={"state": ApplicationState(application.state).label},
        )
    if now >= application.call.closes_at:
        raise deadline_passed_error(application.call)


def deadline_passed_error(call):
    """Return the error saying the call closed, its deadline in Paris time."""
    closes_at = timezone.localtime(call.closes_at, ZoneInfo("Europe/Paris"))
    return DeadlinePassedError(
        _("The call closed on %(deadline)s (Paris time)."),
        code="deadline_passed",
        params={"deadline": formats.date_format(closes_at, "DATETIME_FORMAT")},
    )


def save_draft(application, *, actor, values, base_version, now=None):
    """Save the draft fields in ``values`` (cleaned values keyed by field name).

    ``base_version`` is the application version the client's text starts from.
    A field someone else changed after that version, to a value different from
    the one sent, is not saved: it comes back in ``conflicts`` with the stored
    value, and the other fields are merged. Each saved field records the new
    version. Raises ``ApplicationStateError`` or ``DeadlinePassedError`` when
    the application cannot be edited. Returns a ``DraftSaveResult``.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call__charter")
            .get(pk=application.pk)
        )
        check_editable(locked, now=now)
        rows = {row.dataset_id: row for row in locked.requested_datasets.all()}
        versions = dict(locked.field_versions or {})
        conflicts = {}
        changes = []
        for name in sorted(values, key=_draft_order):
            if not is_draft_field(name):
                continue
            value = values[name]
            if name == "themes":
                value = sorted(value or [])
            current = read_draft_value(locked, name, rows=rows)
            if current == value:
                continue
            if versions.get(name, 0) > base_version:
                conflicts[name] = current
                continue
            changes.append((name, value))
        if changes:
            offered = set(locked.call.datasets.values_list("id", flat=True))
            locked.version += 1
            fields = {"version", "field_versions", "updated_at", "updated_by"}
            for name, value in changes:
                fields.update(
                    _write_draft_value(locked, name, value, rows=rows, offered=offered)
                )
                versions[name] = locked.version
            locked.field_versions = versions
            locked.updated_at = timezone.now()
            locked.updated_by = actor
            locked.save(update_fields=sorted(fields))
            _sync(application, locked, sorted(fields))
    return DraftSaveResult(
        version=locked.version,
        saved_at=locked.updated_at,
        saved=[name for name, _value in changes],
        conflicts=conflicts,
    )


# --- Eligibility and creation -----------------------------------------------


def eligibility_problems(call, *, applicant_type, uses_dataset, in_perimeter):
    """Return the reasons (translated strings) an applicant may not apply."""
    reasons = []
    if applicant_type not in (call.eligible_types or []):
        eligible = ", ".join(
            str(ApplicantType(value).label)
            for value in call.eligible_types or []
            if value in ApplicantType.values
        )
        reasons.append(
            _("This call is open to the following applicant types only: %(types)s.")
            % {"types": eligible}
        )
    if not uses_dataset:
        reasons.append(
            _("A project must use at least one of the OpenBatignolles datasets.")
        )
    if not in_perimeter:
        reasons.append(
            _(
                "A project must serve the Batignolles neighbourhood, where the "
                "sensors are."
            )
        )
    return reasons


def _reference_prefix(call):
    return re.sub(r"[^A-Z0-9]", "", call.slug.upper())[:12] or "APP"


def create_application(
    call, *, actor, applicant_type, uses_dataset, in_perimeter, now=None
):
    """Create a draft application to ``call`` with ``actor`` as the team lead.

    Checks the eligibility answers (``NotEligibleError`` with the reasons) and
    that the call is open (``DeadlinePassedError``). Numbers the reference
    within the call (``AMI2-0042``) under a lock on the call. Audited as
    ``application.created``.
    """
    now = now or timezone.now()
    reasons = eligibility_problems(
        call,
        applicant_type=applicant_type,
        uses_dataset=uses_dataset,
        in_perimeter=in_perimeter,
    )
    if reasons:
        raise NotEligibleError(reasons)
    if not call.is_open_at(now):
        raise deadline_passed_error(call)
    with transaction.atomic():
        # Numbering under a lock on the call keeps references unique.
        type(call).objects.select_for_update().get(pk=call.pk)
        prefix = _reference_prefix(call)
        number = Application.objects.filter(call=call).count() + 1
        while Application.objects.filter(reference=f"{prefix}-{number:04d}").exists():
            number += 1
        application = Application.objects.create(
            call=call,
            reference=f"{prefix}-{number:04d}",
            applicant_type=applicant_type,
            created_by=actor,
            updated_by=actor,
        )
        TeamMember.objects.create(
            application=application, user=actor, role=TeamRole.LEAD
        )
        record_event(
            "application.created",
            actor=actor,
            target=application,
            after={"state": application.state, "reference": application.reference},
        )
    return application


# --- Team -------------------------------------------------------------------


def invite_member(application, *, actor, email):
    """Invite ``email`` to join the team; the email is sent after commit.

    Raises ``TeamError`` when the person is already in the team or invited.
    Audited as ``application.member_invited``.
    """
    from .tasks import send_team_invitation_task

    email = email.strip().lower()
    with transaction.atomic():
        locked = _lock(application)
        if locked.state in (
            ApplicationState.WITHDRAWN,
            *DECISION_STATES,
        ):
            raise ApplicationStateError(
                _("This application can no longer change its team."),
                code="team_closed",
            )
        if locked.team.filter(user__email__iexact=email).exists():
            raise TeamError(
                _("%(email)s is already in the team.") % {"email": email},
                code="already_member",
            )
        pending = locked.invitations.filter(
            email__iexact=email, accepted_at=None, revoked_at=None
        )
        if pending.exists():
            raise TeamError(
                _("%(email)s has already been invited.") % {"email": email},
                code="already_invited",
            )
        invitation = TeamInvitation.objects.create(
            application=locked, email=email, invited_by=actor
        )
        record_event(
            "application.member_invited",
            actor=actor,
            target=locked,
            data={"email": email},
        )
        transaction.on_commit(
            lambda: send_team_invitation_task.delay(invitation_id=invitation.pk)
        )
    return invitation


def accept_invitation(invitation, *, user):
    """Add ``user`` to the invitation's team (the invited address must be theirs).

    Raises ``TeamError`` when the invitation was used or revoked, or was sent to
    an address the user has not verified. Audited as
    ``application.member_joined``.
    """
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.revoked_at or invitation.accepted_at:
            raise TeamError(
                _("This invitation is no longer valid."), code="invitation_used"
            )
        owns_address = EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
        if not owns_address:
            raise TeamError(
                _(
                    "This invitation was sent to %(email)s. Log in with that "
                    "address (or add and verify it on your account) to accept it."
                )
                % {"email": invitation.email},
                code="wrong_address",
            )
        member, _created = TeamMember.objects.get_or_create(
            application=invitation.application,
            user=user,
            defaults={"role": TeamRole.MEMBER},
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record_event(
            "application.member_joined",
            actor=user,
            target=invitation.application,
            data={"email": invitation.email},
        )
    return member


def remove_member(member, *, actor):
    """Remove a co-applicant from the team (never the lead).

    Raises ``TeamError`` for the lead. Audited as ``application.member_removed``.
    """
    if member.role == TeamRole.LEAD:
        raise TeamError(_("The lead cannot be removed from the team."), code="lead")
    with transaction.atomic():
        _lock(member.application)
        email = member.user.email
        member.delete()
        record_event(
            "application.member_removed",
            actor=actor,
            target=member.application,
            data={"email": email},
        )


def revoke_invitation(invitation, *, actor):
    """Revoke a pending invitation. Audited as ``application.invitation_revoked``."""
    with transaction.atomic():
        if invitation.accepted_at or invitation.revoked_at:
            return invitation
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_event(
            "application.invitation_revoked",
            actor=actor,
            target=invitation.application,
            data={"email": invitation.email},
        )
    return invitation


# --- Attachments --------------------------------------------------------------

MEGABYTE = 1024 * 1024


def add_attachment(
    application, *, actor, uploaded_file, is_pitch_deck=False, question=None
):
    """Attach an uploaded PDF to ``application``.

    Checks the content is a PDF, the per-file and per-application limits of the
    call (``ValidationError`` with the applicant's message). A new pitch deck or
    answer to a file question replaces the previous one. Audited as
    ``application.attachment_added``.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=application.pk)
        )
        check_editable(locked)
        call = locked.call
        sha256 = validate_pdf_upload(
            uploaded_file, max_bytes=call.max_attachment_mb * MEGABYTE
        )
        replaced = locked.attachments.none()
        if is_pitch_deck:
            replaced = locked.attachments.filter(is_pitch_deck=True)
        elif question is not None:
            replaced = locked.attachments.filter(question=question)
        replaced = list(replaced)
        kept = locked.attachments.exclude(pk__in=[item.pk for item in replaced])
        used = sum(kept.values_list("size", flat=True))
        limit = call.max_total_attachments_mb * MEGABYTE
        if used + uploaded_file.size > limit:
            raise ValidationError(
                _(
                    "The attachments of an application may weigh %(limit)s MB "
                    "in all; %(used)s MB are already used. Remove a file or "
                    "compress this one."
                ),
                code="total_too_large",
                params={
                    "limit": call.max_total_attachments_mb,
                    "used": round(used / MEGABYTE, 1),
                },
            )
        for item in replaced:
            _delete_attachment(item)
        name = (uploaded_file.name or "document.pdf").rsplit("/", 1)[-1][:200]
        attachment = Attachment(
            application=locked,
            original_name=name,
            size=uploaded_file.size,
            sha256=sha256,
            is_pitch_deck=is_pitch_deck,
            question=question,
            uploaded_by=actor,
        )
        attachment.file.save("upload.pdf", uploaded_file, save=False)
        attachment.save()
        record_event(
            "application.attachment_added",
            actor=actor,
            target=locked,
            data={"name": name, "size": attachment.size, "sha256": sha256},
        )
    return attachment


def _delete_attachment(attachment):
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))


def remove_attachment(attachment, *, actor):
    """Remove an attachment (its file goes after commit).

    Raises like ``check_editable``. Audited as ``application.attachment_removed``.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=attachment.application_id)
        )
        check_editable(locked)
        record_event(
            "application.attachment_removed",
            actor=actor,
            target=locked,
            data={"name": attachment.original_name, "sha256": attachment.sha256},
        )
        _delete_attachment(attachment)


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
    from .tasks import send_submission_receipt_task

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


# --- Reads shared with the back office and the jury -------------------------


def submission_for_review(application):
    """Return the last submission made before the call's deadline (or None).

    The jury reviews this frozen version, whatever the team changed later.
    """
    return (
        application.submissions.filter(submitted_at__lt=application.call.closes_at)
        .order_by("-number")
        .first()
    )


def applications_for_applicant(user):
    """Return the applications ``user`` is in the team of, newest first."""
    return (
        Application.objects.filter(team__user=user)
        .select_related("call")
        .order_by("-created_at")
    )


def application_timeline(application):
    """Return the application's audit events, oldest first, with their actors."""
    return (
        AuditEvent.objects.for_object(application)
        .filter(verb__startswith="application.")
        .select_related("actor")
        .order_by("created_at", "id")
    )


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
        _set_published(locked, True, actor=actor)
    call.is_published = True
    return call


def unpublish_call(call, *, actor):
    """Withdraw the call from the public pages; records ``call.unpublished``."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        _set_published(locked, False, actor=actor)
    call.is_published = False
    return call


def _set_published(locked, value, *, actor):
    """Flip a locked call's ``is_published`` and audit it; nothing if unchanged."""
    if locked.is_published == value:
        return
    locked.is_published = value
    locked.save(update_fields=["is_published"])
    record_event(
        "call.published" if value else "call.unpublished",
        actor=actor,
        target=locked,
        before={"is_published": not value},
        after={"is_published": value},
    )


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
            "role", "joined_at"
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


def queue_team_emails(applications, template, *, actor, batch=""):
    """Record one email per application from ``template`` and queue them.

    Each is sent by Celery in every team member's language. Records the audit
    event ``team_email.queued`` on the template. ``batch`` (the sending form's
    token) makes a double click or a retry queue nothing more. Returns the new
    ``SentEmail`` rows.
    """
    with transaction.atomic():
        if batch:
            # Serialise the sendings of one template so a retry sees the first.
            EmailTemplate.objects.select_for_update().filter(pk=template.pk).first()
            if AuditEvent.objects.filter(
                verb="team_email.queued", data__batch=batch
            ).exists():
                return []
        sent_emails = [
            _record_email(
                application, kind="team_message", template=template, actor=actor
            )
            for application in applications
        ]
        record_event(
            "team_email.queued",
            actor=actor,
            target=template,
            data={
                "batch": batch,
                "count": len(sent_emails),
                "applications": [e.application.reference for e in sent_emails],
            },
        )
        ids = [e.pk for e in sent_emails]
        transaction.on_commit(lambda: _queue_send(ids))
    return sent_emails


def send_team_email(sent_email):
    """Send a recorded email to each team member in their language.

    Safe to run twice: an email already sent is not sent again, and a retry
    after a failure only writes to the members not reached yet (``to`` lists
    the addresses reached so far). Marks the row ``sent`` with the time, or
    ``failed`` with the error (the Celery task retries it).
    """
    if sent_email.status == EmailStatus.SENT:
        return sent_email
    users = _team_users(sent_email.application)
    reached = (
        list(sent_email.to or []) if sent_email.status == EmailStatus.FAILED else []
    )
    try:
        for user in users:
            if user.email in reached:
                continue
            subject, body = render_team_email(
                sent_email, language=user.language, name=user.display_name
            )
            EmailMessage(
                subject=_settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body=body,
                to=[user.email],
            ).send()
            reached.append(user.email)
    except Exception as exc:  # noqa: BLE001 - any transport error is recorded.
        sent_email.status = EmailStatus.FAILED
        sent_email.error = str(exc)[:2000]
        sent_email.to = reached
        sent_email.save(update_fields=["status", "error", "to"])
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

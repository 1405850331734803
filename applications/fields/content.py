"""The content as data (what is frozen at submission) and what submission needs."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from ..enums import QuestionKind
from ..validators import normalise_siret, validate_siret
from .registry import CONTENT_FIELDS, Kind


def _team(application):
    members = sorted(application.team.all(), key=lambda m: (m.joined_at, m.pk))
    # Co-applicants before the lead, then by arrival: the order frozen since
    # the first wave, kept so that unchanged content keeps its fingerprint.
    members.sort(key=lambda m: m.role, reverse=True)
    return [
        {
            "name": member.user.full_name,
            "email": member.user.email,
            "role": member.role,
            "job_title": member.job_title,
        }
        for member in members
    ]


def _datasets(application):
    rows = sorted(
        application.requested_datasets.all(),
        key=lambda row: (row.dataset.position, row.dataset.slug),
    )
    return [
        {
            "slug": row.dataset.slug,
            "name": row.dataset.name_fr,
            "purpose": row.purpose,
            "granularity": row.granularity,
        }
        for row in rows
    ]


def _answers(application, questions):
    answers = application.extra_answers or {}
    return [
        {
            "question": question.pk,
            "label": question.label_fr,
            "kind": question.kind,
            "answer": answers.get(str(question.pk)),
        }
        for question in questions
        if question.kind != QuestionKind.FILE
    ]


def _files(application):
    items = sorted(
        application.attachments.all(), key=lambda item: (item.uploaded_at, item.pk)
    )
    return [
        {
            "name": item.original_name,
            "size": item.size,
            "sha256": item.sha256,
            "pitch_deck": item.is_pitch_deck,
            "question": item.question_id,
        }
        for item in items
    ]


def frozen_value(item, application, *, questions=None):
    """Return the value of ``item`` in ``application`` as the content keeps it."""
    kind = item.kind
    if kind == Kind.TEAM:
        return _team(application)
    if kind == Kind.DATASETS:
        return _datasets(application)
    if kind == Kind.FILES:
        return _files(application)
    if kind == Kind.QUESTIONS:
        if questions is None:
            questions = application.call.extra_questions.all()
        return _answers(application, questions)
    value = getattr(application, item.name)
    if kind == Kind.SIRET:
        return normalise_siret(value)
    if kind == Kind.MULTIPLE_CHOICE:
        return sorted(value or [])
    if kind == Kind.INDICATORS:
        return [entry for entry in value or [] if entry]
    return value


def freeze(application, *, questions=None):
    """Return the content of ``application`` as a JSON-ready dict of codes.

    It holds no time and no version, so the same content always gives the same
    fingerprint. ``questions`` (the call's extra questions) spares a query per
    application when many are frozen; related rows are read with ``.all()`` so
    prefetched rows are used.
    """
    content = {"reference": application.reference, "call": application.call.slug}
    for item in CONTENT_FIELDS:
        place = content
        for key in item.path[:-1]:
            place = place.setdefault(key, {})
        place[item.path[-1]] = frozen_value(item, application, questions=questions)
    return content


def content_value(content, item):
    """Return the value of ``item`` in frozen ``content`` (None when absent)."""
    value = content
    for key in item.path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


# --- Completeness -------------------------------------------------------------------


def _blank(value):
    return value in (None, "", [], {}) or (isinstance(value, str) and not value.strip())


def _question_problems(application, questions, attachments):
    problems = []
    answers = application.extra_answers or {}
    for question in questions:
        name = f"extra_{question.pk}"
        value = answers.get(str(question.pk))
        if question.kind == QuestionKind.FILE:
            answered = any(item.question_id == question.pk for item in attachments)
        else:
            answered = value not in (None, "", [])
        if question.required and not answered:
            problems.append(
                (
                    name,
                    _("Answer the question “%(label)s”.") % {"label": question.label},
                )
            )
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
    return problems


def field_problems(item, application):
    """Return ``[(input name, message), ...]`` of what ``item`` needs to submit."""
    call = application.call
    kind = item.kind
    problems = []

    def require(ok, message, name=item.name):
        if item.required and not ok:
            problems.append((name, message))

    if kind == Kind.DATASETS:
        requested = list(application.requested_datasets.all())
        require(bool(requested), item.missing, name="datasets")
        for row in requested:
            if _blank(row.purpose):
                problems.append(
                    (
                        f"dataset_{row.dataset_id}_purpose",
                        _("Say what you will do with the dataset “%(name)s”.")
                        % {"name": row.dataset.name},
                    )
                )
        return problems
    if kind == Kind.FILES:
        attachments = list(application.attachments.all())
        require(
            any(entry.is_pitch_deck for entry in attachments),
            item.missing,
            name="pitch_deck",
        )
        return problems
    if kind == Kind.QUESTIONS:
        return _question_problems(
            application,
            list(call.extra_questions.all()),
            list(application.attachments.all()),
        )
    if kind == Kind.TEAM or not item.in_form:
        return problems
    value = getattr(application, item.name)
    if kind == Kind.INDICATORS:
        given = [entry for entry in value or [] if entry]
        require(len(given) >= item.minimum, item.missing, name="impact_indicator_1")
        return problems
    if kind == Kind.BOOLEAN:
        ok = bool(value)
        if item.current_charter:
            ok = ok and application.charter_version == call.charter.version
        require(ok, item.missing % {"version": call.charter.version})
        return problems
    if kind == Kind.CHOICE:
        allowed = set(item.choices.values)
        if item.call_choices:
            allowed &= set(getattr(call, item.call_choices) or [])
        require(value in allowed, item.missing)
        return problems
    if kind == Kind.MULTIPLE_CHOICE:
        allowed = set(item.choices.values)
        if item.call_choices:
            allowed &= set(getattr(call, item.call_choices) or [])
        require(bool(set(value or []) & allowed), item.missing)
        return problems
    text = (value or "").strip()
    require(text, item.missing)
    if kind == Kind.SIRET and text:
        try:
            validate_siret(text)
        except ValidationError as exc:
            problems.append((item.name, exc.messages[0]))
    elif kind == Kind.URL and text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except ValidationError:
            problems.append(
                (item.name, _("The website address is not valid (https://...)."))
            )
    if item.too_long and len(value or "") > item.max_length:
        problems.append((item.name, item.too_long % {"length": len(value)}))
    return problems

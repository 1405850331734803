"""Conflicts of interest: the portal's own detection, and the organiser's check.

A detected conflict starts pending (it keeps the juror away at once); an
organiser confirms or dismisses it with a reason.
"""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit.services import record_event

from ...enums import ApplicationState
from ...fields import CONTENT_FIELDS, content_value
from ...fields.registry import Kind
from ...models import Application, Submission, TeamMember
from ..enums import CONFLICT_TRANSITIONS, ConflictSource, ConflictStatus
from ..models import Conflict, JuryMembership


class ConflictError(ValidationError):
    """A change to a conflict of interest that is not allowed."""


# The applications a conflict can concern: deposited and not turned away.
CONCERNED_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.ADMISSIBLE,
    ApplicationState.UNDER_REVIEW,
    ApplicationState.WAITING_LIST,
)

# Words of a legal form, dropped when comparing organisation names.
LEGAL_SUFFIXES = {
    "sa",
    "sas",
    "sasu",
    "sarl",
    "eurl",
    "sci",
    "snc",
    "scop",
    "scic",
    "gie",
    "sem",
    "spl",
    "association",
    "asso",
    "assoc",
    "ltd",
    "inc",
    "llc",
    "gmbh",
}

# Public webmail domains: sharing one says nothing about an organisation.
WEBMAIL_DOMAINS = {
    "gmail.com",
    "googlemail.com",
    "yahoo.fr",
    "yahoo.com",
    "ymail.com",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "sfr.fr",
    "neuf.fr",
    "bbox.fr",
    "laposte.net",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "msn.com",
    "gmx.fr",
    "gmx.com",
    "protonmail.com",
    "protonmail.ch",
    "proton.me",
    "pm.me",
    "tutanota.com",
}
# Families of webmail domains under any country code (hotmail.fr, outlook.com...).
WEBMAIL_PREFIXES = ("hotmail.", "outlook.", "live.", "yahoo.", "gmx.")

# The content fields whose free text may name a partner.
_TEXT_KINDS = {
    Kind.TEXT,
    Kind.LONG_TEXT,
    Kind.INDICATORS,
    Kind.QUESTIONS,
    Kind.DATASETS,
}
_MIN_NAME_LENGTH = 3


def _words(text):
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()


def normalise_organisation(name):
    """Return ``name`` without accents, case, punctuation or legal form.

    ``"Upciti S.A.S."`` and ``"UPCITI"`` both give ``"upciti"``;
    ``"Association Les Amis du Square"`` gives ``"les amis du square"``.
    """
    words = [word for word in _words(name) if word not in LEGAL_SUFFIXES]
    # "S.A.S." splits into single letters: join runs of them to find the form.
    joined, run = [], ""
    for word in words + [""]:
        if len(word) == 1:
            run += word
            continue
        if run:
            if run not in LEGAL_SUFFIXES:
                joined.append(run)
            run = ""
        if word:
            joined.append(word)
    return " ".join(joined)


def email_domain(email):
    """Return the domain of ``email`` in lower case ("" when there is none)."""
    _local, _at, domain = (email or "").strip().lower().rpartition("@")
    return domain if _at else ""


def is_webmail(domain):
    return domain in WEBMAIL_DOMAINS or domain.startswith(WEBMAIL_PREFIXES)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def named_in_content(name, content):
    """Return the labels of the content fields whose text names ``name``.

    ``name`` is a normalised organisation name, searched as whole words in
    the free text of the deposited ``content`` (not in the applicant's own
    organisation name).
    """
    if len(name) < _MIN_NAME_LENGTH:
        return []
    needle = f" {name} "
    labels = []
    for item in CONTENT_FIELDS:
        if item.kind not in _TEXT_KINDS or item.name == "organisation_name":
            continue
        for text in _strings(content_value(content, item)):
            if needle in " " + " ".join(_words(text)) + " ":
                labels.append(str(item.label))
                break
    return labels


def _findings(membership, application, *, team, content):
    """Yield ``(source, detail)`` for each likely conflict of the pair.

    The detail shows what was found (names, domain, field labels), in the
    portal's language."""
    juror = membership.user
    own = normalise_organisation(membership.organisation)
    theirs = normalise_organisation(application.organisation_name)
    if own and own == theirs:
        yield (
            ConflictSource.SAME_ORGANISATION,
            f"{membership.organisation} = {application.organisation_name}",
        )
    domain = email_domain(juror.email)
    if domain and not is_webmail(domain):
        same = sorted(
            member.user.email.lower()
            for member in team
            if member.user_id != juror.pk and email_domain(member.user.email) == domain
        )
        if same:
            yield ConflictSource.SAME_EMAIL_DOMAIN, f"{domain}: {', '.join(same)}"
    for member in team:
        if member.user_id == juror.pk:
            yield (
                ConflictSource.TEAM_MEMBER,
                f"{juror.email}: {member.get_role_display()}",
            )
    if own and content:
        keys = named_in_content(own, content)
        if keys:
            yield (
                ConflictSource.NAMED_PARTNER,
                f"{membership.organisation}: {', '.join(keys)}",
            )


def detect_conflicts(call, *, memberships=None, applications=None, actor=None):
    """Find the likely conflicts between the jury and the applications of ``call``.

    Sources: the same organisation name once normalised, the same email domain
    (public webmail ignored), the juror in the team, the juror's organisation
    named in the deposited content. Creates a pending ``Conflict`` per new
    finding (one per juror, application and source: running it again creates
    nothing, and leaves a dismissed conflict dismissed). ``memberships`` and
    ``applications`` narrow the search. Records
    ``jury.conflicts_detected`` when something is found. Returns the new
    conflicts.
    """
    members = JuryMembership.objects.filter(call=call).select_related("user")
    if memberships is not None:
        members = members.filter(pk__in=[m.pk for m in memberships])
    candidates = Application.objects.filter(call=call, state__in=CONCERNED_STATES)
    if applications is not None:
        candidates = candidates.filter(pk__in=[a.pk for a in applications])
    members, candidates = list(members), list(candidates)
    if not members or not candidates:
        return []
    teams = {}
    for member in TeamMember.objects.filter(application__in=candidates).select_related(
        "user"
    ):
        teams.setdefault(member.application_id, []).append(member)
    contents = {}
    for submission in Submission.objects.filter(application__in=candidates).order_by(
        "application_id", "number"
    ):
        contents[submission.application_id] = submission.content
    existing = set(
        Conflict.objects.filter(
            membership__in=members, application__in=candidates
        ).values_list("membership_id", "application_id", "source")
    )
    created = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for membership in members:
            for application in candidates:
                findings = _findings(
                    membership,
                    application,
                    team=teams.get(application.pk, []),
                    content=contents.get(application.pk),
                )
                for source, detail in findings:
                    if (membership.pk, application.pk, source) in existing:
                        continue
                    conflict, new = Conflict.objects.get_or_create(
                        membership=membership,
                        application=application,
                        source=source,
                        defaults={
                            "status": ConflictStatus.PENDING,
                            "detail": detail[:500],
                        },
                    )
                    if new:
                        created.append(conflict)
        if created:
            record_event(
                "jury.conflicts_detected",
                actor=actor,
                target=call,
                data={
                    "conflicts": [
                        {
                            "juror": c.membership.user.email,
                            "application": c.application.reference,
                            "source": c.source,
                        }
                        for c in created
                    ]
                },
            )
    return created


def _resolve(conflict, status, *, reason, actor):
    reason = (reason or "").strip()
    if not reason:
        raise ConflictError(
            _("Give the reason for this decision on the conflict."),
            code="reason_required",
        )
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
        before = ConflictStatus(locked.status)
        if status not in CONFLICT_TRANSITIONS[before]:
            raise ConflictError(
                _("This conflict is already “%(status)s”.") % {"status": before.label},
                code="transition_not_allowed",
            )
        locked.status = status
        locked.resolution_reason = reason[:500]
        locked.resolved_by = actor
        locked.resolved_at = timezone.now()
        locked.save(
            update_fields=["status", "resolution_reason", "resolved_by", "resolved_at"]
        )
        verb = (
            "jury.conflict_confirmed"
            if status == ConflictStatus.CONFIRMED
            else "jury.conflict_dismissed"
        )
        record_event(
            verb,
            actor=actor,
            target=locked,
            before={"status": before.value},
            after={"status": status.value, "reason": locked.resolution_reason},
        )
    for field in ("status", "resolution_reason", "resolved_by", "resolved_at"):
        setattr(conflict, field, getattr(locked, field))
    return conflict


def confirm_conflict(conflict, *, reason, actor):
    """Confirm a conflict (the juror stays away from the application).

    The reason is required. Raises ``ConflictError`` without a reason or when
    the conflict is already confirmed. Records ``jury.conflict_confirmed``.
    """
    return _resolve(conflict, ConflictStatus.CONFIRMED, reason=reason, actor=actor)


def dismiss_conflict(conflict, *, reason, actor):
    """Dismiss a conflict (the juror may then be assigned the application).

    The reason is required. Raises ``ConflictError`` without a reason or when
    the conflict is already dismissed. Records ``jury.conflict_dismissed``.
    """
    return _resolve(conflict, ConflictStatus.DISMISSED, reason=reason, actor=actor)

"""Writes of data access: grants to Projects, API keys, and their emails.

Every change of what a key may read drops the key's cached record when the
transaction commits (``keys.forget``), so it takes effect on the next request.
Emails go through the outbox, queued in the service's own transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.services import queue_email

from . import keys
from .enums import GrantEmail
from .key_emails import queue_key_emails
from .models import ApiKey, DataGrant
from .selectors import grant_email_recipients

# A rotated key keeps working this long, so that a deployment can switch.
ROTATION_GRACE = timedelta(hours=24)
MAX_ACTIVE_KEYS_PER_GRANT = 5


def _check_grant_terms(datasets, expires_at, *, now):
    if not datasets:
        raise ValidationError(_("Choose at least one dataset."))
    if expires_at <= now:
        raise ValidationError(_("The end of the access must be in the future."))
    longest = settings.API_GRANT_MAX_DAYS
    if expires_at > now + timedelta(days=longest):
        raise ValidationError(
            _("An access runs for %(days)s days at most: choose an earlier end.")
            % {"days": longest}
        )


def _grant_summary(grant):
    return {
        "project": grant.project_name,
        "project_id": grant.project_id,
        "datasets": sorted(grant.datasets.values_list("slug", flat=True)),
        "expires_at": grant.expires_at.isoformat(),
    }


def _actor_or_none(actor):
    return actor if actor is not None and actor.is_authenticated else None


def grant_data_access(project, *, holder, datasets, expires_at, actor):
    """Give ``project`` 15-minute access to ``datasets`` until ``expires_at``,
    held by ``holder``, a member of the project's team.

    Raises ``ValidationError`` for a project no longer in the programme, a
    holder outside its team or with a closed account, an empty choice of
    datasets, or an end in the past or beyond ``API_GRANT_MAX_DAYS``. Writes
    the audit event ``data_grant.created`` and queues an email to every member
    of the project's team, each in their language. The holder then issues
    keys on the grant.
    """
    from applications.enums import ProjectState

    now = timezone.now()
    datasets = list(datasets)
    if project is None:
        raise ValidationError(_("Choose the project."))
    if project.state != ProjectState.ACTIVE:
        raise ValidationError(_("This project is no longer in the programme."))
    if not holder.is_active:
        raise ValidationError(_("This account is closed."))
    if not project.application.team.filter(user=holder).exists():
        raise ValidationError(_("The holder must be a member of the project's team."))
    _check_grant_terms(datasets, expires_at, now=now)
    with transaction.atomic():
        grant = DataGrant.objects.create(
            project=project,
            holder=holder,
            expires_at=expires_at,
            granted_by=_actor_or_none(actor),
            created_at=now,
        )
        grant.datasets.set(datasets)
        record_event(
            "data_grant.created",
            actor=actor,
            target=grant,
            after=_grant_summary(grant),
            data={"holder": holder.pk},
        )
        _queue_grant_emails(grant, GrantEmail.CREATED)
    return grant


def change_data_grant(grant, *, datasets, expires_at, actor):
    """Change the datasets or the end of an active grant; its keys follow at
    once (their cached records are dropped on commit). Keys never outlive
    their grant. Raises ``ValidationError`` as ``grant_data_access`` does, or
    for a revoked grant. Writes ``data_grant.changed``."""
    now = timezone.now()
    datasets = list(datasets)
    _check_grant_terms(datasets, expires_at, now=now)
    with transaction.atomic():
        grant = DataGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise ValidationError(_("This access was revoked."))
        before = _grant_summary(grant)
        grant.expires_at = expires_at
        grant.save(update_fields=["expires_at"])
        grant.datasets.set(datasets)
        grant.keys.filter(expires_at__gt=expires_at).update(expires_at=expires_at)
        keys.forget(grant.keys.values_list("digest", flat=True))
        record_event(
            "data_grant.changed",
            actor=actor,
            target=grant,
            before=before,
            after=_grant_summary(grant),
        )
    return grant


def revoke_data_grant(grant, *, reason, actor):
    """Revoke ``grant`` and every key on it, effective on the next request.

    ``reason`` (for instance a breach of the data charter) is kept, shown to
    the holder and emailed to every member of the project's team. Safe to
    call twice (the second call changes and sends nothing). Writes
    ``data_grant.revoked``.
    """
    now = timezone.now()
    with transaction.atomic():
        grant = DataGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            return grant
        grant.revoked_at = now
        grant.revoke_reason = (reason or "").strip()[:500]
        grant.save(update_fields=["revoked_at", "revoke_reason"])
        revoked = grant.keys.filter(revoked_at__isnull=True).update(revoked_at=now)
        keys.forget(grant.keys.values_list("digest", flat=True))
        record_event(
            "data_grant.revoked",
            actor=actor,
            target=grant,
            data={"reason": grant.revoke_reason, "keys_revoked": revoked},
        )
        _queue_grant_emails(grant, GrantEmail.REVOKED)
    return grant


def issue_api_key(grant, *, name, actor):
    """Create a key on an active ``grant``; return ``(key, token)``.

    The token is returned once and never stored (only its SHA-256 digest).
    The key expires with its grant. Raises ``ValidationError`` for a grant
    revoked or expired, an empty name, or more than
    ``MAX_ACTIVE_KEYS_PER_GRANT`` active keys. Writes ``api_key.issued``.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Name the key (where it is used, for instance)."))
    now = timezone.now()
    with transaction.atomic():
        grant = DataGrant.objects.select_for_update().get(pk=grant.pk)
        if not grant.is_active(now):
            raise ValidationError(_("This access has ended: no new key."))
        active = grant.keys.filter(revoked_at__isnull=True, expires_at__gt=now)
        if active.count() >= MAX_ACTIVE_KEYS_PER_GRANT:
            raise ValidationError(
                _("%(count)s keys are active already: revoke one first.")
                % {"count": MAX_ACTIVE_KEYS_PER_GRANT}
            )
        key, token = _create_key(grant, name=name[:80], actor=actor, now=now)
        record_event(
            "api_key.issued",
            actor=actor,
            target=key,
            data={"prefix": key.prefix, "name": key.name, "grant": grant.pk},
        )
    return key, token


def _create_key(grant, *, name, actor, now):
    token, prefix, digest = keys.new_token()
    key = ApiKey.objects.create(
        grant=grant,
        name=name,
        prefix=prefix,
        digest=digest,
        created_at=now,
        created_by=_actor_or_none(actor),
        expires_at=grant.expires_at,
    )
    return key, token


def revoke_api_key(key, *, actor):
    """Revoke ``key``: refused from the next request on. Safe to call twice.
    Writes ``api_key.revoked`` and emails the team (``key_emails``)."""
    now = timezone.now()
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            return key
        key.revoked_at = now
        key.save(update_fields=["revoked_at"])
        keys.forget([key.digest])
        record_event(
            "api_key.revoked",
            actor=actor,
            target=key,
            data={"prefix": key.prefix, "name": key.name},
        )
        queue_key_emails(key, "revoked")
    return key


def rotate_api_key(key, *, actor, overlap=ROTATION_GRACE):
    """Replace ``key`` by a new one, the old one working for ``overlap``
    (none to 7 days): see ``rotation.rotate_api_key``."""
    from .rotation import rotate_api_key as rotate

    return rotate(key, actor=actor, overlap=overlap)


def _queue_grant_emails(grant, event):
    """Queue the ``event`` email of ``grant`` to each member of its project's
    team (the holder alone for a grant made before Projects), each in their
    language, through the outbox: one row per person, keyed by grant, event
    and person, so queuing twice sends once. No key ever appears in it."""
    event = GrantEmail(event)
    datasets = list(grant.datasets.order_by("position", "slug"))
    # The last day of access: it ends at the midnight after it.
    ends_on = timezone.localtime(grant.expires_at - timedelta(microseconds=1)).date()
    for person in grant_email_recipients(grant):
        language = (person.language or settings.LANGUAGE_CODE)[:2]
        with translation.override(language):
            context = {
                "grant": grant,
                "project": grant.project_name,
                "person": person,
                "is_holder": person.pk == grant.holder_id,
                "holder_name": grant.holder.full_name or grant.holder.email,
                "datasets": datasets,
                "ends_on": ends_on,
                "url": settings.SITE_URL + reverse("access:access_list"),
                "contact": settings.PORTAL_CONTACT_EMAIL,
            }
            subject = render_to_string(
                f"email/data_grant_{event.value}_subject.txt", context
            )
            body = render_to_string(f"email/data_grant_{event.value}_body.txt", context)
        queue_email(
            key=f"data-grant:{grant.pk}:{event.value}:{person.pk}",
            kind=EmailKind.DATA_GRANT,
            to=person.email,
            subject=subject,
            body=body,
            language=language,
            about=grant.project_name,
        )

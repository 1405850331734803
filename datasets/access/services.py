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
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.services import queue_email

from . import keys
from .charter import project_has_signed_charter_in_force
from .enums import GrantEmail
from .grants import experiment_ends_on
from .key_emails import queue_key_emails
from .models import ApiKey, DataGrant
from .selectors import grant_email_recipients

# A rotated key keeps working this long, so that a deployment can switch.
ROTATION_GRACE = timedelta(hours=24)
MAX_ACTIVE_KEYS_PER_GRANT = 5


def _check_grant_terms(datasets, expires_at, *, now):
    from .grants import latest_end

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
    if expires_at > latest_end():
        raise ValidationError(
            _("The experiment ends on %(date)s: an access cannot run beyond.")
            % {"date": formats.date_format(experiment_ends_on())}
        )


def _check_limits(requests_per_minute, requests_per_day):
    from .grants import check_limits

    check_limits(requests_per_minute, requests_per_day)


def _grant_summary(grant):
    return {
        "project": grant.project_name,
        "project_id": grant.project_id,
        "datasets": sorted(grant.datasets.values_list("slug", flat=True)),
        "expires_at": grant.expires_at.isoformat(),
        "requests_per_minute": grant.requests_per_minute,
        "requests_per_day": grant.requests_per_day,
    }


def _actor_or_none(actor):
    return actor if actor is not None and actor.is_authenticated else None


def grant_data_access(
    project,
    *,
    holder,
    datasets,
    expires_at,
    actor,
    requests_per_minute=None,
    requests_per_day=None,
    purpose=None,
):
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
    limits = _limits_or_defaults(requests_per_minute, requests_per_day)
    _check_limits(*limits)
    if purpose is None:
        purpose = project.summary or ""
    with transaction.atomic():
        grant = DataGrant.objects.create(
            project=project,
            holder=holder,
            expires_at=expires_at,
            granted_by=_actor_or_none(actor),
            created_at=now,
            requests_per_minute=limits[0],
            requests_per_day=limits[1],
            purpose=str(purpose).strip()[:2000],
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


def _limits_or_defaults(per_minute, per_day):
    fields = DataGrant._meta
    return (
        fields.get_field("requests_per_minute").default
        if per_minute is None
        else per_minute,
        fields.get_field("requests_per_day").default if per_day is None else per_day,
    )


def change_data_grant(
    grant,
    *,
    datasets,
    expires_at,
    actor,
    requests_per_minute=None,
    requests_per_day=None,
):
    """Change the datasets, the end or the limits of an active grant: renew
    it (a later end), narrow it (fewer datasets), widen or shorten it. Its
    keys follow at once (their cached records are dropped on commit); keys
    never outlive their grant and lose the datasets the grant loses.

    Raises ``ValidationError`` as ``grant_data_access`` does, or for a revoked
    grant. Writes ``data_grant.changed`` with the kinds of change
    (``renewed``, ``shortened``, ``narrowed``, ``widened``, ``limits``) and
    emails the team; a change that changes nothing writes and sends nothing.
    """
    now = timezone.now()
    datasets = list(datasets)
    _check_grant_terms(datasets, expires_at, now=now)
    with transaction.atomic():
        grant = DataGrant.objects.select_for_update().get(pk=grant.pk)
        if grant.revoked_at is not None:
            raise ValidationError(_("This access was revoked."))
        limits = (
            grant.requests_per_minute
            if requests_per_minute is None
            else requests_per_minute,
            grant.requests_per_day if requests_per_day is None else requests_per_day,
        )
        _check_limits(*limits)
        before = _grant_summary(grant)
        old_ids = set(grant.datasets.values_list("pk", flat=True))
        new_ids = {dataset.pk for dataset in datasets}
        changes = []
        if expires_at > grant.expires_at:
            changes.append("renewed")
        elif expires_at < grant.expires_at:
            changes.append("shortened")
        if old_ids - new_ids:
            changes.append("narrowed")
        if new_ids - old_ids:
            changes.append("widened")
        if limits != (grant.requests_per_minute, grant.requests_per_day):
            changes.append("limits")
        if not changes:
            return grant
        grant.expires_at = expires_at
        grant.requests_per_minute, grant.requests_per_day = limits
        grant.save(
            update_fields=["expires_at", "requests_per_minute", "requests_per_day"]
        )
        grant.datasets.set(datasets)
        grant.keys.filter(expires_at__gt=expires_at).update(expires_at=expires_at)
        if old_ids - new_ids:
            # A key limited to datasets the grant lost keeps the rest only.
            through = ApiKey.datasets.through
            through.objects.filter(
                apikey__grant=grant, dataset_id__in=old_ids - new_ids
            ).delete()
        keys.forget(grant.keys.values_list("digest", flat=True))
        event = record_event(
            "data_grant.changed",
            actor=actor,
            target=grant,
            before=before,
            after=_grant_summary(grant),
            data={"changes": changes},
        )
        _queue_grant_emails(
            grant, GrantEmail.CHANGED, once=str(event.pk), changes=changes
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


def issue_api_key(
    grant,
    *,
    name,
    actor,
    datasets=(),
    expires_at=None,
    allowed_networks=(),
):
    """Create a key on an active ``grant``; return ``(key, token)``.

    Options: ``datasets`` (a subset of the grant's; empty: all of them),
    ``expires_at`` (sooner than the grant's end; ``None``: with the grant)
    and ``allowed_networks`` (CIDR strings; empty: any client address).

    The token is returned once and never stored (only its SHA-256 digest).
    Raises ``ValidationError`` for a Project that has not signed the charter
    in force, a grant revoked, suspended or expired, an empty name, options
    outside the grant, or more than ``MAX_ACTIVE_KEYS_PER_GRANT`` active keys.
    Writes ``api_key.issued`` and emails the team (``api_key_created``).
    """
    from .grants import check_key_options, queue_key_email

    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Name the key (where it is used, for instance)."))
    now = timezone.now()
    with transaction.atomic():
        grant = DataGrant.objects.select_for_update().get(pk=grant.pk)
        if not grant.is_active(now):
            raise ValidationError(_("This access has ended: no new key."))
        if grant.suspended_at is not None:
            raise ValidationError(_("This access is suspended: no new key."))
        if grant.project_id is not None and not project_has_signed_charter_in_force(
            grant.project
        ):
            raise ValidationError(
                _("Sign the data charter in force before creating a key.")
            )
        datasets, networks = check_key_options(
            grant, datasets=datasets, expires_at=expires_at, networks=allowed_networks
        )
        active = grant.keys.filter(revoked_at__isnull=True, expires_at__gt=now)
        if active.count() >= MAX_ACTIVE_KEYS_PER_GRANT:
            raise ValidationError(
                _("%(count)s keys are active already: revoke one first.")
                % {"count": MAX_ACTIVE_KEYS_PER_GRANT}
            )
        key, token = _create_key(grant, name=name[:80], actor=actor, now=now)
        changed = []
        if expires_at is not None and expires_at < key.expires_at:
            key.expires_at = expires_at
            changed.append("expires_at")
        if networks:
            key.allowed_networks = networks
            changed.append("allowed_networks")
        if changed:
            key.save(update_fields=changed)
        if datasets:
            key.datasets.set(datasets)
        record_event(
            "api_key.issued",
            actor=actor,
            target=key,
            data={
                "prefix": key.prefix,
                "name": key.name,
                "grant": grant.pk,
                "datasets": sorted(dataset.slug for dataset in datasets),
                "networks": networks,
                "expires_at": key.expires_at.isoformat(),
            },
        )
        queue_key_email(key, "created")
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


def _queue_grant_emails(grant, event, *, once="", **extra):
    """Queue the ``event`` email of ``grant`` to each member of its project's
    team (the holder alone for a grant made before Projects), each in their
    language, through the outbox: one row per person, keyed by grant, event
    and person, so queuing twice sends once. No key ever appears in it."""
    event = GrantEmail(event)
    datasets = list(grant.datasets.order_by("position", "slug"))
    # The last day of access (Paris): it ends at the midnight after it.
    ends_on = grant.ends_on
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
                **extra,
            }
            subject = render_to_string(
                f"email/data_grant_{event.value}_subject.txt", context
            )
            body = render_to_string(f"email/data_grant_{event.value}_body.txt", context)
        queue_email(
            key=f"data-grant:{grant.pk}:{event.value}:{once}:{person.pk}"
            if once
            else f"data-grant:{grant.pk}:{event.value}:{person.pk}",
            kind=EmailKind.DATA_GRANT,
            to=person.email,
            subject=subject,
            body=body,
            language=language,
            about=grant.project_name,
        )

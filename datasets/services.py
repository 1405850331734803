"""Writes of the datasets app: the catalogue, feedback.

Readings are written by ``datasets.ingestion.ingest`` only (see that package);
rollups by ``datasets.rollups.refresh_rollups``; quality by
``datasets.quality.refresh_quality``.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_event

from . import keys, reference
from .enums import FeedbackStatus
from .models import (
    ApiKey,
    DataGrant,
    Dataset,
    DtprSheet,
    Feedback,
    Metric,
    ParkingZone,
    Sensor,
    Street,
)

logger = logging.getLogger(__name__)

# Which feedback statuses may follow which.
FEEDBACK_TRANSITIONS = {
    FeedbackStatus.NEW: {FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED},
    FeedbackStatus.ANSWERED: {FeedbackStatus.CLOSED, FeedbackStatus.NEW},
    FeedbackStatus.CLOSED: {FeedbackStatus.NEW},
}


@transaction.atomic
def seed_catalogue():
    """Write the reference catalogue (idempotent: ``update_or_create`` by slug/code).

    Creates or updates the DTPR sheets, the five datasets and their metrics,
    the 26 streets, the 40 parking zones and the 160 sensors from
    ``datasets.reference``. Rows added by organisers are left alone. Returns
    the number of rows of each kind.
    """
    sheets = {}
    for row in reference.DTPR_SHEETS:
        values = {k: v for k, v in row.items() if k != "slug"}
        sheets[row["slug"]], _created = DtprSheet.objects.update_or_create(
            slug=row["slug"], defaults=values
        )

    datasets = {}
    metric_count = 0
    for position, row in enumerate(reference.DATASETS):
        dataset, _created = Dataset.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name_fr": row["name_fr"],
                "name_en": row["name_en"],
                "description_fr": row["description_fr"],
                "description_en": row["description_en"],
                "device_step_minutes": row["device_step_minutes"],
                "finest_step_minutes": 15,
                "licence": reference.LICENCE,
                "licence_url": reference.LICENCE_URL,
                "dtpr_sheet": sheets[row["slug"]],
                "position": position,
            },
        )
        datasets[row["slug"]] = dataset
        for metric_position, metric in enumerate(row["metrics"]):
            (slug, name_fr, name_en, unit, low, high, aggregation, scale, small) = (
                metric
            )
            Metric.objects.update_or_create(
                dataset=dataset,
                slug=slug,
                defaults={
                    "name_fr": name_fr,
                    "name_en": name_en,
                    "unit": unit,
                    "min_value": low,
                    "max_value": high,
                    "default_aggregation": aggregation,
                    "scale": scale,
                    "min_published_count": small,
                    "position": metric_position,
                },
            )
            metric_count += 1

    streets = _sync_rows(
        Street,
        "slug",
        {
            row["slug"]: {"name": row["name"], "geometry": row["geometry"]}
            for row in reference.street_rows()
        },
    )
    zones = _sync_rows(
        ParkingZone,
        "code",
        {
            row["code"]: {
                "street_id": streets[row["street"]].pk,
                "zone_type": row["zone_type"],
                "capacity": row["capacity"],
                "geometry": row["geometry"],
            }
            for row in reference.zone_rows()
        },
    )
    sensor_rows = reference.sensor_rows()
    sensors = _sync_rows(
        Sensor,
        "code",
        {
            row["code"]: {
                "kind": row["kind"],
                "street_id": streets[row["street"]].pk,
                "parking_zone_id": (
                    zones[row["parking_zone"]].pk if row["parking_zone"] else None
                ),
                "latitude": Decimal(str(row["latitude"])),
                "longitude": Decimal(str(row["longitude"])),
                "mounting": row["mounting"],
                "installed_on": row["installed_on"],
                "status": row["status"],
            }
            for row in sensor_rows
        },
    )
    through = Sensor.datasets.through
    wanted = {
        (sensors[row["code"]].pk, datasets[row["dataset"]].pk) for row in sensor_rows
    }
    sensor_ids = [sensor.pk for sensor in sensors.values()]
    present = set(
        through.objects.filter(sensor_id__in=sensor_ids).values_list(
            "sensor_id", "dataset_id"
        )
    )
    for sensor_id, dataset_id in present - wanted:
        through.objects.filter(sensor_id=sensor_id, dataset_id=dataset_id).delete()
    through.objects.bulk_create(
        [
            through(sensor_id=sensor_id, dataset_id=dataset_id)
            for sensor_id, dataset_id in sorted(wanted - present)
        ]
    )

    return {
        "dtpr_sheets": len(sheets),
        "datasets": len(datasets),
        "metrics": metric_count,
        "streets": len(streets),
        "parking_zones": len(zones),
        "sensors": len(sensor_rows),
    }


def _sync_rows(model, key, wanted):
    """Create or update ``model`` rows keyed by ``key`` to the ``wanted`` values,
    in a few queries; return the rows by key (other rows are left alone)."""
    existing = {
        getattr(row, key): row
        for row in model.objects.filter(**{f"{key}__in": list(wanted)})
    }
    created, changed = [], []
    fields = set()
    for identifier, values in wanted.items():
        row = existing.get(identifier)
        if row is None:
            created.append(model(**{key: identifier}, **values))
            continue
        dirty = [name for name, value in values.items() if getattr(row, name) != value]
        if dirty:
            for name in dirty:
                setattr(row, name, values[name])
            fields.update(dirty)
            changed.append(row)
    if created:
        model.objects.bulk_create(created)
    if changed:
        model.objects.bulk_update(changed, sorted(fields))
    if created:
        existing = {
            getattr(row, key): row
            for row in model.objects.filter(**{f"{key}__in": list(wanted)})
        }
    return existing


def submit_feedback(
    *, message, sensor=None, dataset=None, name="", email="", author=None
):
    """Record a resident's question or remark about a sensor or a dataset.

    Raises ``ValidationError`` when the message is empty. Writes the audit
    event ``feedback.submitted`` and, after commit, emails the organisers'
    contact address (the DTPR sheet's feedback address when there is one).
    """
    message = (message or "").strip()
    if not message:
        raise ValidationError(_("Write a message."))
    if sensor is not None and dataset is None:
        dataset = sensor.datasets.first()
    with transaction.atomic():
        feedback = Feedback.objects.create(
            sensor=sensor,
            dataset=dataset,
            name=(name or "").strip()[:120],
            email=(email or "").strip(),
            message=message[:3000],
            author=author if author is not None and author.is_authenticated else None,
        )
        record_event(
            "feedback.submitted",
            actor=author,
            target=feedback,
            data={
                "sensor": sensor.code if sensor else None,
                "dataset": dataset.slug if dataset else None,
            },
        )
        transaction.on_commit(lambda: _queue_feedback_notification(feedback.pk))
    return feedback


def _queue_feedback_notification(feedback_id):
    from .tasks import notify_feedback_task  # tasks import this module

    notify_feedback_task.delay(feedback_id=feedback_id)


def notify_feedback(feedback_id):
    """Email a new feedback to the sheet's address and to every organiser, once.

    Returns True when it sent the email; a feedback already notified, or gone,
    is left alone, so the task calling it is safe to run twice.
    """
    from portal.accounts.models import User

    with transaction.atomic():
        feedback = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("sensor", "dataset__dtpr_sheet")
            .filter(pk=feedback_id, notified_at__isnull=True)
            .first()
        )
        if feedback is None:
            return False
        recipient = settings.PORTAL_CONTACT_EMAIL
        if feedback.dataset is not None and feedback.dataset.dtpr_sheet.feedback_email:
            recipient = feedback.dataset.dtpr_sheet.feedback_email
        organisers = sorted(
            User.objects.filter(organiser_role__isnull=False, is_active=True)
            .exclude(email=recipient)
            .values_list("email", flat=True)
        )
        about = (
            feedback.sensor.code
            if feedback.sensor
            else (feedback.dataset.slug if feedback.dataset else "-")
        )
        body = "\n".join(
            [
                _("About: %(about)s") % {"about": about},
                _("From: %(name)s %(email)s")
                % {"name": feedback.name or "-", "email": feedback.email or ""},
                "",
                feedback.message,
                "",
                settings.SITE_URL + "/gestion/donnees/retours/",
            ]
        )
        EmailMessage(
            _("New feedback about the sensors"),
            body,
            to=[recipient],
            bcc=organisers,
            reply_to=[feedback.email] if feedback.email else None,
        ).send()
        feedback.notified_at = timezone.now()
        feedback.save(update_fields=["notified_at"])
    return True


def set_feedback_status(feedback, status, *, actor):
    """Move a feedback to ``status`` (answered, closed, new again).

    Raises ``ValidationError`` for a transition not in ``FEEDBACK_TRANSITIONS``.
    Writes the audit event ``feedback.status_changed``.
    """
    status = FeedbackStatus(status)
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
        before = feedback.status
        if status not in FEEDBACK_TRANSITIONS[FeedbackStatus(before)]:
            raise ValidationError(
                _("This feedback cannot go from “%(before)s” to “%(after)s”.")
                % {"before": before, "after": status}
            )
        feedback.status = status
        feedback.save(update_fields=["status"])
        record_event(
            "feedback.status_changed",
            actor=actor,
            target=feedback,
            before={"status": before},
            after={"status": status.value},
        )
    return feedback


# --- Data access: grants and API keys ---------------------------------------

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
        "project": grant.project,
        "datasets": sorted(grant.datasets.values_list("slug", flat=True)),
        "expires_at": grant.expires_at.isoformat(),
    }


def grant_data_access(holder, *, project, datasets, expires_at, actor):
    """Give ``holder`` 15-minute access to ``datasets`` until ``expires_at``.

    Raises ``ValidationError`` for an empty choice, an end in the past or
    beyond ``API_GRANT_MAX_DAYS``, or an inactive holder. Writes the audit
    event ``data_grant.created``. The holder then issues keys on the grant.
    """
    now = timezone.now()
    datasets = list(datasets)
    project = (project or "").strip()
    if not project:
        raise ValidationError(_("Name the project."))
    if not holder.is_active:
        raise ValidationError(_("This account is closed."))
    _check_grant_terms(datasets, expires_at, now=now)
    with transaction.atomic():
        grant = DataGrant.objects.create(
            holder=holder,
            project=project[:200],
            expires_at=expires_at,
            granted_by=actor if actor is not None and actor.is_authenticated else None,
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
        transaction.on_commit(lambda: _queue_grant_email(grant.pk, "created"))
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

    ``reason`` (for instance a breach of the data charter) is kept and shown
    to the holder. Safe to call twice. Writes ``data_grant.revoked``.
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
        transaction.on_commit(lambda: _queue_grant_email(grant.pk, "revoked"))
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
        created_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=grant.expires_at,
    )
    return key, token


def revoke_api_key(key, *, actor):
    """Revoke ``key``: refused from the next request on. Safe to call twice.
    Writes ``api_key.revoked``."""
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
    return key


def rotate_api_key(key, *, actor):
    """Replace an active ``key`` by a new one; return ``(new_key, token)``.

    The old key keeps working for ``ROTATION_GRACE`` (24 hours), time to
    deploy the new one, then expires. Raises ``ValidationError`` for a key
    revoked, expired or already rotated, or an ended grant. Writes
    ``api_key.rotated``.
    """
    now = timezone.now()
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().select_related("grant").get(pk=key.pk)
        if not key.is_active(now) or key.replaced_by_id is not None:
            raise ValidationError(_("Only an active key can be rotated."))
        if not key.grant.is_active(now):
            raise ValidationError(_("This access has ended: no new key."))
        new_key, token = _create_key(key.grant, name=key.name, actor=actor, now=now)
        key.expires_at = min(key.expires_at, now + ROTATION_GRACE)
        key.replaced_by = new_key
        key.save(update_fields=["expires_at", "replaced_by"])
        keys.forget([key.digest])
        record_event(
            "api_key.rotated",
            actor=actor,
            target=key,
            data={
                "prefix": key.prefix,
                "new_prefix": new_key.prefix,
                "old_expires_at": key.expires_at.isoformat(),
            },
        )
    return new_key, token


def _queue_grant_email(grant_id, event):
    from .tasks import send_data_grant_email_task  # tasks import this module

    send_data_grant_email_task.delay(grant_id=grant_id, event=event)


GRANT_EMAILS = ("created", "revoked")


def notify_grant_holder(grant_id, *, event):
    """Email the holder of a grant that it was ``created`` or ``revoked`` (with
    the reason), in the holder's language, once per grant and event.

    Returns True when it sent the email; a grant gone, an event already
    notified, or a ``created`` email for a grant revoked since, is left alone,
    so the task calling it is safe to run twice. Writes the audit event
    ``data_grant.holder_notified``.
    """
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from portal.audit.models import AuditEvent

    if event not in GRANT_EMAILS:
        raise ValueError(f"unknown grant email {event!r}")
    with transaction.atomic():
        grant = (
            DataGrant.objects.select_for_update(of=("self",))
            .select_related("holder")
            .filter(pk=grant_id)
            .first()
        )
        if grant is None or (event == "created" and grant.revoked_at is not None):
            return False
        already = AuditEvent.objects.for_object(grant).filter(
            verb="data_grant.holder_notified", data__event=event
        )
        if already.exists() or not grant.holder.is_active:
            return False
        holder = grant.holder
        language = (holder.language or settings.LANGUAGE_CODE)[:2]
        with translation.override(language):
            context = {
                "grant": grant,
                "holder": holder,
                "datasets": list(grant.datasets.order_by("position", "slug")),
                # The last day of access: it ends at the midnight after it.
                "ends_on": timezone.localtime(
                    grant.expires_at - timedelta(microseconds=1)
                ).date(),
                "url": settings.SITE_URL + reverse("datasets:access_list"),
                "contact": settings.PORTAL_CONTACT_EMAIL,
            }
            subject = render_to_string(f"email/data_grant_{event}_subject.txt", context)
            body = render_to_string(f"email/data_grant_{event}_body.txt", context)
        EmailMessage(" ".join(subject.split()), body, to=[holder.email]).send()
        record_event(
            "data_grant.holder_notified",
            actor=None,
            target=grant,
            # The holder's id, not the address: erasure leaves none behind.
            data={"event": event, "holder": holder.pk},
        )
    return True

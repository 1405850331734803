"""Writes of the datasets app: the catalogue, feedback.

Readings are written by ``datasets.ingestion.ingest`` only (see that package);
rollups by ``datasets.rollups.refresh_rollups``; quality by
``datasets.quality.refresh_quality``.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_event
from portal.outbox.enums import EmailKind
from portal.outbox.services import queue_email

from . import reference
from .enums import FeedbackStatus
from .models import (
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
    event ``feedback.submitted`` and queues, through the outbox, an email to
    the organisers' contact address (the DTPR sheet's feedback address when
    there is one) and to each organiser (``notify_feedback``).
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
        notify_feedback(feedback.pk)
    return feedback


def notify_feedback(feedback_id):
    """Queue, through the outbox, the email of a new feedback to the sheet's
    address and to every organiser (one email each, answering the resident).

    Returns True when it queued them; a feedback already notified, or gone, is
    left alone, so running it twice queues nothing more.
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
        for address in [recipient, *organisers]:
            queue_email(
                key=f"feedback:{feedback.pk}:{address}",
                kind=EmailKind.FEEDBACK,
                to=address,
                subject=_("New feedback about the sensors"),
                body=body,
                about=about,
                reply_to=feedback.email or "",
            )
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

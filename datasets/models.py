"""The catalogue (datasets, DTPR sheets), the places (streets, zones, sensors),
the readings and their rollups, data quality, ingestion runs and feedback.

Readings carry only counts and levels: there is no field anywhere here for
audio, images or identifiers of people, vehicles or devices.
"""

import math

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import (
    AccessTier,
    Aggregation,
    FeedbackStatus,
    IngestionSource,
    IngestionStatus,
    MetricScale,
    Mounting,
    SensorKind,
    SensorStatus,
    ZoneType,
)


class TranslatedNameMixin:
    """Pick ``<field>_fr`` or ``<field>_en`` for the active language."""

    def translated(self, field):
        language = (get_language() or "fr")[:2]
        value = getattr(self, f"{field}_{language}", "")
        return value or getattr(self, f"{field}_fr")

    @property
    def name(self):
        return self.translated("name")


class DtprSheet(TranslatedNameMixin, models.Model):
    """A DTPR transparency sheet (device data chain), in the standard's vocabulary.

    Each category holds element ids from the DTPR taxonomy (``aggregated``,
    ``sound_level_meter``...) and a plain-language explanation in both languages.
    """

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    accountable = models.CharField(_("accountable organisation"), max_length=200)
    accountable_url = models.URLField(
        _("accountable organisation's website"), blank=True
    )
    purpose = models.JSONField(_("purpose elements"), default=list)
    technology = models.JSONField(_("technology elements"), default=list)
    data_collected = models.JSONField(_("data type elements"), default=list)
    processing = models.JSONField(_("processing elements"), default=list)
    storage = models.JSONField(_("storage elements"), default=list)
    access = models.JSONField(_("access elements"), default=list)
    retention = models.JSONField(_("retention elements"), default=list)
    retention_days = models.PositiveIntegerField(_("retention (days)"))
    # {"purpose": {"fr": "...", "en": "..."}, ...} per category.
    explanations = models.JSONField(_("explanations"), default=dict, blank=True)
    feedback_email = models.EmailField(_("feedback email"), blank=True)
    feedback_url = models.URLField(_("feedback page"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("DTPR sheet")
        verbose_name_plural = _("DTPR sheets")
        ordering = ["slug"]

    def __str__(self):
        return self.name_fr


class DatasetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Dataset(TranslatedNameMixin, models.Model):
    id = models.SmallAutoField(primary_key=True)
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    finest_step_minutes = models.PositiveSmallIntegerField(
        _("finest step served (minutes)"), default=15
    )
    device_step_minutes = models.PositiveSmallIntegerField(
        _("step computed on the device (minutes)"), default=15
    )
    licence = models.CharField(
        _("licence"), max_length=120, default="Licence Ouverte 2.0"
    )
    licence_url = models.URLField(
        _("licence text"),
        default="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    )
    access_tier = models.CharField(
        _("access tier"),
        max_length=10,
        choices=AccessTier.choices,
        default=AccessTier.OPEN,
    )
    dtpr_sheet = models.ForeignKey(
        DtprSheet,
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("DTPR sheet"),
    )
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = DatasetQuerySet.as_manager()

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.slug

    @property
    def description(self):
        return self.translated("description")


# Units as people read them; the stored unit is the API's machine value
# ("persons"), symbols (%, W, kWh, dB(A)) read the same in both languages.
UNIT_LABELS = {
    "persons": _("persons"),
    "vehicles": _("vehicles"),
    "places": _("places"),
    "events": _("events"),
}


class Metric(TranslatedNameMixin, models.Model):
    """One measured quantity of a dataset, with its unit and physical range."""

    id = models.SmallAutoField(primary_key=True)
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.CASCADE,
        related_name="metrics",
        verbose_name=_("dataset"),
    )
    slug = models.SlugField(_("identifier"), max_length=60)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=30)
    min_value = models.FloatField(_("smallest plausible value"))
    max_value = models.FloatField(_("largest plausible value"))
    default_aggregation = models.CharField(
        _("default aggregation"),
        max_length=3,
        choices=Aggregation.choices,
        default=Aggregation.AVG,
    )
    # Decibel metrics: rollup ``total`` holds the sum of 10^(L/10) (acoustic
    # energy), so the average level is 10*log10(total/count).
    scale = models.CharField(
        _("scale"),
        max_length=10,
        choices=MetricScale.choices,
        default=MetricScale.LINEAR,
    )
    # Small counts (night-time pedestrians, single-bay dwell) are only
    # published aggregated: below this threshold a fine value is withheld.
    min_published_count = models.PositiveSmallIntegerField(
        _("smallest count published at fine grain"), default=0
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["dataset", "position", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "slug"], name="metric_unique_slug"
            ),
            models.CheckConstraint(
                condition=models.Q(min_value__lte=models.F("max_value")),
                name="metric_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.dataset.slug}/{self.slug}"

    @property
    def unit_display(self):
        """The unit in the reader's language ("personnes"); symbols as is."""
        return str(UNIT_LABELS.get(self.unit, self.unit))

    @property
    def is_decibel(self):
        return self.scale == MetricScale.DECIBEL


class Street(models.Model):
    id = models.SmallAutoField(primary_key=True)
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # GeoJSON geometry (LineString or MultiLineString), WGS 84.
    geometry = models.JSONField(_("geometry (GeoJSON)"))

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ParkingZone(models.Model):
    id = models.SmallAutoField(primary_key=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        related_name="parking_zones",
        verbose_name=_("street"),
    )
    zone_type = models.CharField(_("type"), max_length=20, choices=ZoneType.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity (places)"))
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)

    class Meta:
        verbose_name = _("parking zone")
        verbose_name_plural = _("parking zones")
        ordering = ["code"]

    def __str__(self):
        return self.code


class SensorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=SensorStatus.ACTIVE)


class Sensor(models.Model):
    id = models.SmallAutoField(primary_key=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=SensorKind.choices)
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        related_name="sensors",
        verbose_name=_("street"),
    )
    parking_zone = models.ForeignKey(
        ParkingZone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sensors",
        verbose_name=_("parking zone"),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    mounting = models.CharField(_("mounting"), max_length=20, choices=Mounting.choices)
    installed_on = models.DateField(_("installation date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SensorStatus.choices,
        default=SensorStatus.ACTIVE,
    )
    datasets = models.ManyToManyField(
        Dataset, related_name="sensors", verbose_name=_("datasets fed")
    )
    dtpr_sheet = models.ForeignKey(
        DtprSheet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sensors",
        verbose_name=_("DTPR sheet (overrides the dataset's)"),
    )

    objects = SensorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")
        ordering = ["code"]

    def __str__(self):
        return self.code


class Reading(models.Model):
    """One value of one metric of one sensor for the period from ``period_start``.

    The finest step stored is the dataset's served step (15 minutes). Hourly and
    daily rollups are maintained at ingestion, so aggregate queries never scan
    this table.

    The primary key is the natural key (sensor, metric, period_start): no
    surrogate id column and no second index on a table of tens of millions of
    rows; that one B-tree is the access path of every fine-grained query.
    """

    pk = models.CompositePrimaryKey("sensor", "metric", "period_start")
    # No index of their own: the composite primary key starts with them.
    sensor = models.ForeignKey(
        Sensor, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period_start = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        # The rollups' upkeep reads an hour of every sensor: rows arrive in
        # time order, so a BRIN index of a few hundred kB finds its pages.
        indexes = [BrinIndex(fields=["period_start"], name="reading_period_brin")]


class RollupBase(models.Model):
    # No index of their own: the composite primary key starts with them.
    sensor = models.ForeignKey(
        Sensor, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    count = models.PositiveIntegerField()
    # Sum of the values; for decibel metrics the sum of 10^(L/10).
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        abstract = True

    @property
    def average(self):
        """The mean value (energy mean in dB for decibel metrics)."""
        if not self.count:
            return None
        mean = self.total / self.count
        if self.metric.is_decibel:
            return 10 * math.log10(mean) if mean > 0 else None
        return mean


class HourlyRollup(RollupBase):
    """Aggregates per hour. Paris hours are whole UTC hours, so DST needs nothing.

    Keyed by (sensor, metric, period_start) like readings.
    """

    pk = models.CompositePrimaryKey("sensor", "metric", "period_start")
    period_start = models.DateTimeField()

    class Meta:
        # The daily upkeep reads a day of every sensor's hours (see Reading).
        indexes = [BrinIndex(fields=["period_start"], name="hourly_period_brin")]


class DailyRollup(RollupBase):
    """Aggregates per Europe/Paris calendar day (23 or 25 hours on DST days).

    Keyed by (sensor, metric, day); the (metric, day) index serves the
    dataset-wide queries (one metric, all its sensors, a year of days) and
    carries the values: an index-only scan.
    """

    pk = models.CompositePrimaryKey("sensor", "metric", "day")
    day = models.DateField()

    class Meta:
        indexes = [
            models.Index(
                fields=["metric", "day"],
                name="daily_metric_day",
                include=["count", "total", "minimum", "maximum"],
            )
        ]


class SensorDayQuality(models.Model):
    """How complete one sensor's data is for one Europe/Paris day."""

    sensor = models.ForeignKey(
        Sensor,
        on_delete=models.CASCADE,
        related_name="quality_days",
        verbose_name=_("sensor"),
    )
    day = models.DateField(_("day"))
    expected = models.PositiveIntegerField(_("expected readings"))
    received = models.PositiveIntegerField(_("received readings"))
    gaps = models.PositiveIntegerField(_("gaps"), default=0)
    longest_gap_minutes = models.PositiveIntegerField(
        _("longest gap (minutes)"), default=0
    )
    last_reading_at = models.DateTimeField(_("last reading"), null=True, blank=True)

    class Meta:
        verbose_name = _("data quality of a day")
        verbose_name_plural = _("data quality per day")
        ordering = ["sensor", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["sensor", "day"], name="quality_unique_day")
        ]

    @property
    def completeness(self):
        return min(1.0, self.received / self.expected) if self.expected else 0.0


class IngestionRun(models.Model):
    """One run of one ingestion source, with what it received, kept and refused."""

    source = models.CharField(
        _("source"), max_length=20, choices=IngestionSource.choices
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IngestionStatus.choices,
        default=IngestionStatus.RUNNING,
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    received = models.PositiveIntegerField(_("received"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    duplicates = models.PositiveIntegerField(_("already stored"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    rejected_by_reason = models.JSONField(
        _("rejected by reason"), default=dict, blank=True
    )
    sample_errors = models.JSONField(_("sample errors"), default=list, blank=True)
    cursor_before = models.DateTimeField(_("cursor before"), null=True, blank=True)
    cursor_after = models.DateTimeField(_("cursor after"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    # What the run has stored so far, updated after each batch: if the worker
    # dies mid-way, the rollups of these readings are refreshed by the next run.
    stored_from = models.DateTimeField(null=True, blank=True)
    stored_until = models.DateTimeField(null=True, blank=True)
    stored_sensor_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("ingestion run")
        verbose_name_plural = _("ingestion runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class Feedback(models.Model):
    """A resident's question or remark about a sensor or a dataset."""

    sensor = models.ForeignKey(
        Sensor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("sensor"),
    )
    dataset = models.ForeignKey(
        Dataset,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("dataset"),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email (to get an answer)"), blank=True)
    message = models.TextField(_("message"), max_length=3000)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.NEW,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    notified_at = models.DateTimeField(
        _("organisers notified at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]

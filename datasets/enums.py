from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessTier(models.TextChoices):
    OPEN = "open", _("Open: hourly and daily aggregates without a key")
    KEY = "key", _("Key: finer data for projects that signed the charter")


class Aggregation(models.TextChoices):
    AVG = "avg", _("average")
    SUM = "sum", _("sum")
    MIN = "min", _("minimum")
    MAX = "max", _("maximum")


class MetricScale(models.TextChoices):
    """How values combine: decibels are averaged as energies, never arithmetically."""

    LINEAR = "linear", _("linear")
    DECIBEL = "decibel", _("decibel (logarithmic)")


class Interval(models.TextChoices):
    QUARTER_HOUR = "15min", _("15 minutes")
    HOUR = "hour", _("hour")
    DAY = "day", _("day")


class SensorKind(models.TextChoices):
    PEDESTRIAN_COUNTER = "pedestrian_counter", _("Pedestrian counter")
    TRAFFIC_COUNTER = "traffic_counter", _("Traffic counter")
    PARKING_SENSOR = "parking_sensor", _("Parking occupancy sensor")
    SOUND_LEVEL_METER = "sound_level_meter", _("Sound level meter")
    LIGHTING_CONTROLLER = "lighting_controller", _("Street-light controller")


class SensorStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MAINTENANCE = "maintenance", _("Under maintenance")
    INACTIVE = "inactive", _("Inactive")


class Mounting(models.TextChoices):
    LIGHT_POLE = "light_pole", _("LED street-light pole")
    FACADE = "facade", _("Building facade")
    GROUND = "ground", _("Ground (in the roadway)")
    CABINET = "cabinet", _("Lighting cabinet")


class ZoneType(models.TextChoices):
    VISITOR = "visitor", _("Paid visitor parking (rotatif)")
    DELIVERY = "delivery", _("Delivery bay (livraison)")
    DISABLED = "disabled", _("Disabled parking (GIG-GIC)")
    TWO_WHEELER = "two_wheeler", _("Two-wheeler parking")


class IngestionSource(models.TextChoices):
    SIMULATOR = "simulator", _("Simulator")
    UPSTREAM = "upstream", _("Upstream sensor platform")
    FILE = "file", _("File import")


class IngestionStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")

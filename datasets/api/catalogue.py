"""The catalogue (datasets, metrics, streets, sensors) held in memory by each process.

The readings API resolves slugs and codes on every request; a few hundred rows
that change a few times a year do not need a query each time. Every process
(gunicorn worker, Celery worker) keeps one immutable copy, tagged with the
catalogue *version* it was read under.

The version is a token in Redis (``VERSION_KEY``), replaced after the commit
of any change to a dataset, metric, street, parking zone or sensor (and to the
sensors' datasets): see ``connect_receivers()``. The readings view reads the
token in the Redis round trip it makes anyway (rate limit, response cache,
key), so checking it costs nothing; other callers pay one ``GET``. A process
whose copy carries another token reloads it (5 small queries) before
answering, so no process serves a stale unit, code or street after a change,
whichever process made it.

The token is read *before* the rows: a change committed while a process
loads its copy replaces the token, and the next request reloads. When Redis
has lost the token (restart, flush) a new one is written, so every process
reloads once. ``MAX_AGE`` bounds the life of a copy should a change bypass
the ORM (raw SQL, ``QuerySet.update()``): call ``bump_version()`` after such
a change.
"""

import threading
import time
import uuid
from dataclasses import dataclass, field

from django.db import transaction

from . import fastcache

VERSION_KEY = "datasets:catalogue:version"
MAX_AGE = 600  # seconds; the version check makes it a safety net only

_lock = threading.Lock()
_current = None


@dataclass(frozen=True)
class MetricRow:
    id: int
    slug: str
    dataset: str
    unit: str
    scale: str
    default_aggregation: str
    min_published_count: int


@dataclass(frozen=True)
class SensorRow:
    id: int
    code: str
    street_id: int
    street: str
    datasets: frozenset


@dataclass(frozen=True)
class Catalogue:
    version: str
    loaded_at: float
    # Metrics of the published datasets, in the API's order (dataset
    # position, metric position, slug).
    metrics: tuple
    published_datasets: tuple  # slugs, by position
    sensors: dict = field(repr=False)  # code -> SensorRow
    streets: dict = field(repr=False)  # slug -> id

    def sensors_by_id(self):
        return {row.id: row for row in self.sensors.values()}


def load(version):
    """Read the catalogue from the database (5 queries)."""
    from datasets.models import Dataset, Metric, Sensor, Street

    published = list(
        Dataset.objects.published()
        .order_by("position", "slug")
        .values_list("id", "slug")
    )
    published_slugs = dict(published)
    metrics = tuple(
        MetricRow(
            id=metric_id,
            slug=slug,
            dataset=published_slugs[dataset_id],
            unit=unit,
            scale=scale or "linear",
            default_aggregation=aggregation,
            min_published_count=min_count,
        )
        for metric_id, dataset_id, slug, unit, scale, aggregation, min_count in (
            Metric.objects.filter(dataset_id__in=published_slugs)
            .order_by("dataset__position", "position", "slug")
            .values_list(
                "id",
                "dataset_id",
                "slug",
                "unit",
                "scale",
                "default_aggregation",
                "min_published_count",
            )
        )
    )
    fed = {}
    for sensor_id, dataset_slug in Sensor.datasets.through.objects.values_list(
        "sensor_id", "dataset__slug"
    ):
        fed.setdefault(sensor_id, set()).add(dataset_slug)
    sensors = {
        code: SensorRow(
            id=sensor_id,
            code=code,
            street_id=street_id,
            street=street_slug,
            datasets=frozenset(fed.get(sensor_id, ())),
        )
        for sensor_id, code, street_id, street_slug in Sensor.objects.order_by(
            "code"
        ).values_list("id", "code", "street_id", "street__slug")
    }
    streets = dict(Street.objects.order_by("slug").values_list("slug", "id"))
    return Catalogue(
        version=version,
        loaded_at=time.monotonic(),
        metrics=metrics,
        published_datasets=tuple(slug for _id, slug in published),
        sensors=sensors,
        streets=streets,
    )


def read_version():
    """The current token (one Redis GET); written when missing."""
    return ensure_version(fastcache.get(VERSION_KEY))


def ensure_version(version):
    """``version`` as fetched from Redis, or a new token when Redis had none."""
    if version is None:
        version = uuid.uuid4().hex
        fastcache.set(VERSION_KEY, version, None)
    return version


def current(version=None):
    """The in-memory catalogue, reloaded when its version is not ``version``.

    ``version`` is the token already fetched by the caller (None: fetch it).
    """
    global _current
    version = read_version() if version is None else version
    catalogue = _current
    if (
        catalogue is None
        or catalogue.version != version
        or time.monotonic() - catalogue.loaded_at > MAX_AGE
    ):
        with _lock:
            catalogue = _current = load(version)
    return catalogue


def forget():
    """Drop this process's copy (tests)."""
    global _current
    _current = None


def bump_version():
    """Give the catalogue a new version once the current transaction commits."""
    transaction.on_commit(
        lambda: fastcache.set(VERSION_KEY, uuid.uuid4().hex, None), robust=True
    )


def _on_change(sender, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata: the fixture's own flush follows
    bump_version()


def _on_m2m_change(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_version()


def connect_receivers():
    """Bump the version on every ORM change of the catalogue's tables.

    Cache invalidation is the one use of model signals here (as Zulip flushes
    its caches on post_save): it must follow the admin, the back office, the
    seed and the services alike.
    """
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from datasets.models import Dataset, Metric, ParkingZone, Sensor, Street

    for model in (Dataset, Metric, Street, ParkingZone, Sensor):
        uid = f"datasets.catalogue.{model.__name__}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ".delete")
    m2m_changed.connect(
        _on_m2m_change,
        sender=Sensor.datasets.through,
        dispatch_uid="datasets.catalogue.sensor_datasets",
    )

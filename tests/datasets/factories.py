"""Factories for the catalogue and the places (datasets app).

No surprising defaults: a ``SensorFactory`` sensor feeds no dataset unless
``datasets=[...]`` is given; ``MetricFactory`` makes a linear metric of a new
dataset unless told otherwise.
"""

import datetime
from decimal import Decimal

import factory

from datasets.enums import (
    Aggregation,
    MetricScale,
    Mounting,
    SensorKind,
    SensorStatus,
    ZoneType,
)
from datasets.models import (
    Dataset,
    DtprSheet,
    Metric,
    ParkingZone,
    Sensor,
    Street,
)


class DtprSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DtprSheet
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"sheet-{n}")
    name_fr = factory.Sequence(lambda n: f"Fiche DTPR {n}")
    name_en = factory.Sequence(lambda n: f"DTPR sheet {n}")
    accountable = "Mairie du 17e arrondissement"
    accountable_url = "https://mairie17.paris.fr/"
    purpose = factory.LazyFunction(lambda: ["mobility"])
    technology = factory.LazyFunction(lambda: ["person_detection"])
    data_collected = factory.LazyFunction(lambda: ["values_time"])
    processing = factory.LazyFunction(lambda: ["aggregated", "de_identified"])
    storage = factory.LazyFunction(lambda: ["stored_primarily_locally"])
    access = factory.LazyFunction(lambda: ["available_to_download"])
    retention = factory.LazyFunction(lambda: ["data_retained"])
    retention_days = 1825
    explanations = factory.LazyFunction(dict)
    feedback_email = "capteurs@openbatignolles.paris"


class DatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dataset
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"dataset-{n}")
    name_fr = factory.Sequence(lambda n: f"Jeu de données {n}")
    name_en = factory.Sequence(lambda n: f"Dataset {n}")
    description_fr = "Des comptages agrégés par quart d'heure."
    description_en = "Counts aggregated per quarter hour."
    dtpr_sheet = factory.SubFactory(DtprSheetFactory)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric
        django_get_or_create = ("dataset", "slug")

    dataset = factory.SubFactory(DatasetFactory)
    slug = factory.Sequence(lambda n: f"metric_{n}")
    name_fr = factory.Sequence(lambda n: f"Mesure {n}")
    name_en = factory.Sequence(lambda n: f"Metric {n}")
    unit = "persons"
    min_value = 0.0
    max_value = 5000.0
    default_aggregation = Aggregation.SUM
    scale = MetricScale.LINEAR


def _line(n):
    lat = 48.880 + (n % 10) * 0.001
    return {
        "type": "LineString",
        "coordinates": [[2.310 + (n % 10) * 0.001, lat], [2.315, lat + 0.0005]],
    }


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"rue-test-{n}")
    name = factory.Sequence(lambda n: f"Rue Test {n}")
    geometry = factory.Sequence(_line)


class ParkingZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParkingZone
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"zone-{n:03d}")
    street = factory.SubFactory(StreetFactory)
    zone_type = ZoneType.VISITOR
    capacity = 12


class SensorFactory(factory.django.DjangoModelFactory):
    """A sensor; pass ``datasets=[dataset, ...]`` for the datasets it feeds."""

    class Meta:
        model = Sensor
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TST-{n:03d}")
    kind = SensorKind.PEDESTRIAN_COUNTER
    street = factory.SubFactory(StreetFactory)
    latitude = Decimal("48.887000")
    longitude = Decimal("2.318000")
    mounting = Mounting.LIGHT_POLE
    installed_on = datetime.date(2025, 6, 2)
    status = SensorStatus.ACTIVE

    @factory.post_generation
    def datasets(self, create, extracted, **kwargs):
        if create and extracted:
            self.datasets.set(extracted)

"""Serializers of the catalogue and the places (small, bounded lists)."""

from django.urls import reverse
from rest_framework import serializers

from datasets.models import Dataset, DtprSheet, Metric, Sensor

DTPR_CATEGORIES = (
    "purpose",
    "technology",
    "data_collected",
    "processing",
    "storage",
    "access",
    "retention",
)


def translations(obj, field):
    return {
        "fr": getattr(obj, f"{field}_fr"),
        "en": getattr(obj, f"{field}_en") or None,
    }


class DtprSheetSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()

    class Meta:
        model = DtprSheet
        fields = [
            "slug",
            "name",
            "accountable",
            "accountable_url",
            "categories",
            "retention_days",
            "feedback_email",
            "feedback_url",
            "updated_at",
        ]

    def get_name(self, sheet) -> dict:
        return translations(sheet, "name")

    def get_categories(self, sheet) -> dict:
        explanations = sheet.explanations or {}
        return {
            category: {
                "elements": list(getattr(sheet, category) or []),
                "explanation": explanations.get(category) or {},
            }
            for category in DTPR_CATEGORIES
        }


class MetricSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    scale = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = [
            "slug",
            "name",
            "unit",
            "scale",
            "default_aggregation",
            "min_value",
            "max_value",
        ]

    def get_name(self, metric) -> dict:
        return translations(metric, "name")

    def get_scale(self, metric) -> str:
        return getattr(metric, "scale", "linear") or "linear"


class DatasetSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    metrics = MetricSerializer(many=True, read_only=True)
    dtpr_sheet = DtprSheetSerializer(read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = [
            "slug",
            "name",
            "description",
            "finest_step_minutes",
            "licence",
            "licence_url",
            "access_tier",
            "metrics",
            "dtpr_sheet",
            "links",
        ]

    def get_name(self, dataset) -> dict:
        return translations(dataset, "name")

    def get_description(self, dataset) -> dict:
        return translations(dataset, "description")

    def get_links(self, dataset) -> dict:
        readings = reverse("api:readings")
        return {
            "self": reverse("api:dataset-detail", args=[dataset.slug]),
            "page": reverse("datasets:dataset_detail", args=[dataset.slug]),
            "readings": f"{readings}?dataset={dataset.slug}&interval=hour",
            "latest": f"{reverse('api:latest')}?dataset={dataset.slug}",
            "sensors": f"{reverse('api:sensor-list')}?dataset={dataset.slug}",
        }


class SensorSerializer(serializers.ModelSerializer):
    street = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parking_zone = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    datasets = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Sensor
        fields = [
            "code",
            "kind",
            "street",
            "parking_zone",
            "latitude",
            "longitude",
            "mounting",
            "installed_on",
            "status",
            "datasets",
            "links",
        ]

    def get_links(self, sensor) -> dict:
        return {
            "self": reverse("api:sensor-detail", args=[sensor.code]),
            "page": reverse("datasets:sensor_detail", args=[sensor.code]),
            "readings": f"{reverse('api:readings')}?sensor={sensor.code}",
        }


class QualityDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    expected = serializers.IntegerField()
    received = serializers.IntegerField()
    completeness = serializers.FloatField()
    gaps = serializers.IntegerField()
    longest_gap_minutes = serializers.IntegerField()
    last_reading_at = serializers.DateTimeField(allow_null=True)


class SensorDetailSerializer(SensorSerializer):
    dtpr_sheet = serializers.SerializerMethodField()
    quality = serializers.SerializerMethodField()

    class Meta(SensorSerializer.Meta):
        fields = [*SensorSerializer.Meta.fields, "dtpr_sheet", "quality"]

    def get_dtpr_sheet(self, sensor) -> dict | None:
        sheet = getattr(sensor, "effective_dtpr_sheet", None)
        return DtprSheetSerializer(sheet).data if sheet else None

    def get_quality(self, sensor) -> list:
        days = getattr(sensor, "recent_quality", [])
        return QualityDaySerializer(days, many=True).data


def sensor_feature(sensor_data):
    properties = {
        key: value
        for key, value in sensor_data.items()
        if key not in {"latitude", "longitude"}
    }
    return {
        "type": "Feature",
        "id": sensor_data["code"],
        "geometry": {
            "type": "Point",
            "coordinates": [sensor_data["longitude"], sensor_data["latitude"]],
        },
        "properties": properties,
    }


def street_feature(street, *, sensor_codes=None, zones=None):
    properties = {
        "slug": street.slug,
        "name": street.name,
        "links": {
            "self": reverse("api:street-detail", args=[street.slug]),
            "sensors": f"{reverse('api:sensor-list')}?street={street.slug}",
        },
    }
    if sensor_codes is not None:
        properties["sensors"] = sensor_codes
    if zones is not None:
        properties["parking_zones"] = zones
    return {
        "type": "Feature",
        "id": street.slug,
        "geometry": street.geometry,
        "properties": properties,
    }

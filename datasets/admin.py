"""Django admin for the catalogue (the back office under /gestion/ is the main tool).

Readings and rollups are not registered: tens of millions of rows, keyed by
(sensor, metric, period), are read through the API.
"""

from django.contrib import admin

from .models import (
    Dataset,
    DtprSheet,
    Feedback,
    IngestionRun,
    Metric,
    ParkingZone,
    Sensor,
    SensorDayQuality,
    Street,
)


@admin.register(DtprSheet)
class DtprSheetAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_fr", "accountable", "retention_days"]
    search_fields = ["slug", "name_fr", "name_en"]


class MetricInline(admin.TabularInline):
    model = Metric
    extra = 0
    fields = [
        "slug",
        "name_fr",
        "name_en",
        "unit",
        "min_value",
        "max_value",
        "default_aggregation",
        "scale",
        "min_published_count",
        "position",
    ]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_fr", "access_tier", "licence", "is_published"]
    list_filter = ["access_tier", "is_published"]
    list_select_related = ["dtpr_sheet"]
    inlines = [MetricInline]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(ParkingZone)
class ParkingZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "street", "zone_type", "capacity"]
    list_filter = ["zone_type"]
    list_select_related = ["street"]


@admin.register(Sensor)
class SensorAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "street", "status", "installed_on"]
    list_filter = ["kind", "status", "mounting"]
    list_select_related = ["street"]
    search_fields = ["code"]
    filter_horizontal = ["datasets"]
    raw_id_fields = ["parking_zone"]


@admin.register(SensorDayQuality)
class SensorDayQualityAdmin(admin.ModelAdmin):
    list_display = ["sensor", "day", "expected", "received", "gaps"]
    list_select_related = ["sensor"]
    date_hierarchy = "day"
    readonly_fields = [
        "sensor",
        "day",
        "expected",
        "received",
        "gaps",
        "longest_gap_minutes",
        "last_reading_at",
    ]


@admin.register(IngestionRun)
class IngestionRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "source",
        "status",
        "started_at",
        "received",
        "accepted",
        "duplicates",
        "rejected",
    ]
    list_filter = ["source", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "sensor", "dataset", "status"]
    list_filter = ["status"]
    list_select_related = ["sensor", "dataset"]

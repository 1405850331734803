"""Bench only: target (e) of issue 11, the usual Django stack for a keyed
sensor-day of 15-minute values, as a typical project would serve it:
djangorestframework-api-key's ``HasAPIKey`` permission, DRF's own
cache-based throttling (per key), a ``ModelSerializer`` list view. Never
imported by the portal (``bench/urls.py`` mounts it, ``bench/settings.py``
adds its app)."""

from datetime import datetime, timedelta

from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_api_key.permissions import HasAPIKey

from datasets.api.params import PARIS
from datasets.models import Reading


class BaselineReadingSerializer(serializers.ModelSerializer):
    sensor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    metric = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Reading
        fields = ["sensor", "metric", "period_start", "value"]


class PerKeyThrottle(SimpleRateThrottle):
    """DRF's fixed-window throttle (a history list in the cache), per key."""

    scope = "baseline_key"
    rate = "1000000000/hour"

    def get_cache_key(self, request, view):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        return self.cache_format % {"scope": self.scope, "ident": header[-40:]}


class BaselineReadingsView(ListAPIView):
    permission_classes = [HasAPIKey]
    throttle_classes = [PerKeyThrottle]
    serializer_class = BaselineReadingSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        query = self.request.query_params
        start = datetime.fromisoformat(query["start"]).replace(tzinfo=PARIS)
        end = datetime.fromisoformat(query.get("end") or query["start"]).replace(
            tzinfo=PARIS
        )
        if end <= start:
            end = start + timedelta(days=1)
        return (
            Reading.objects.filter(
                sensor__code=query["sensor"],
                metric__slug=query["metric"],
                period_start__gte=start,
                period_start__lt=end,
            )
            .select_related("sensor", "metric")
            .order_by("period_start")
        )

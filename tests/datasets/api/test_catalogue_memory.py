"""The catalogue held in memory by each process (issue 14): refreshed on change."""

from django.core.cache import cache

from datasets.api import catalogue, fastcache
from datasets.models import Metric, Sensor

URL = "/api/v1/readings/"
DAY = {"start": "2025-10-07", "end": "2025-10-08"}


def _hourly(client, **query):
    response = client.get(URL, {"interval": "hour", **DAY, **query})
    assert response.status_code == 200, response.content
    return response.json()


def test_unit_change_is_served_at_once(
    client, warm_catalogue, django_capture_on_commit_callbacks
):
    query = {"sensor": "PED-001", "metric": "pedestrians_in"}
    assert _hourly(client, **query)["meta"]["metrics"][0]["unit"] == "persons"
    metric = Metric.objects.get(slug="pedestrians_in")
    metric.unit = "pedestrians"
    with django_capture_on_commit_callbacks(execute=True):
        metric.save(update_fields=["unit"])
    # The cached answer keeps the old unit until it expires; a new request
    # (here another page_size) is built from the refreshed catalogue.
    body = _hourly(client, **query, page_size=50)
    assert body["meta"]["metrics"][0]["unit"] == "pedestrians"
    assert {row["unit"] for row in body["results"]} == {"pedestrians"}


def test_sensor_moved_and_renamed_is_served_at_once(
    client, warm_catalogue, django_capture_on_commit_callbacks
):
    sensor = Sensor.objects.get(code="PED-001")
    with django_capture_on_commit_callbacks(execute=True):
        sensor.code = "PED-101"
        sensor.street = warm_catalogue["dames"]
        sensor.save(update_fields=["code", "street"])
    rows = _hourly(client, sensor="PED-101", metric="pedestrians_in")["results"]
    assert len(rows) == 24
    assert {(row["sensor"], row["street"]) for row in rows} == {
        ("PED-101", "rue-des-dames")
    }
    old = client.get(URL, {"interval": "hour", "sensor": "PED-001", **DAY})
    assert old.status_code == 400
    assert old.json()["errors"][0]["parameter"] == "sensor"
    assert "PED-101" in old.json()["errors"][0]["allowed"]


def test_dataset_added_to_a_sensor_renews_the_version(
    warm_catalogue, django_capture_on_commit_callbacks
):
    before = catalogue.read_version()
    with django_capture_on_commit_callbacks(execute=True):
        Sensor.objects.get(code="SND-001").datasets.add(warm_catalogue["pedestrians"])
    assert catalogue.read_version() != before
    assert catalogue.current().sensors["SND-001"].datasets == frozenset(
        {"pedestrian-flows", "sound-levels"}
    )


def test_change_made_by_another_process(warm_catalogue, django_assert_num_queries):
    """Another process changed the rows and renewed the version: this one,
    whose copy is older, reloads it before answering."""
    copy = catalogue.current()
    assert copy.metrics[0].unit == "persons"
    # The other process's write (no signal here) and its version renewal.
    Metric.objects.filter(slug="pedestrians_in").update(unit="visitors")
    fastcache.set(catalogue.VERSION_KEY, "renewed-elsewhere", None)
    with django_assert_num_queries(5):
        fresh = catalogue.current()
    assert fresh.version == "renewed-elsewhere"
    assert fresh.metrics[0].unit == "visitors"
    with django_assert_num_queries(0):
        assert catalogue.current() is fresh


def test_lost_version_reloads(warm_catalogue, django_assert_num_queries):
    """Redis restarted or flushed: a new version, every process reloads once."""
    copy = catalogue.current()
    cache.clear()
    with django_assert_num_queries(5):
        fresh = catalogue.current()
    assert fresh is not copy
    assert fresh.version == catalogue.read_version()


def test_rolled_back_change_keeps_the_version(warm_catalogue):
    before = catalogue.read_version()
    metric = Metric.objects.get(slug="laeq")
    metric.unit = "dB"
    metric.save(update_fields=["unit"])  # not committed (the test's transaction)
    assert catalogue.read_version() == before

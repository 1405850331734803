"""The upstream pull against a local fake HTTP server (the only thing faked)."""

import datetime
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from freezegun import freeze_time

from datasets.enums import IngestionStatus
from datasets.ingestion import UpstreamSource, UpstreamUnavailable, ingest
from datasets.models import IngestionRun, Reading
from datasets.services import seed_catalogue
from datasets.tasks import pull_upstream_task

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


class FakeUpstream:
    """Serves two pages of records; fails ``failures`` requests first (503)."""

    def __init__(self):
        self.failures = 0
        self.failing_pages = set()
        self.requests = []
        self.pages = {
            "1": {
                "results": [
                    {
                        "sensor": "PED-001",
                        "metric": "pedestrians_in",
                        "period_start": "2025-10-07T08:00:00Z",
                        "value": 12,
                        "unit": "persons",
                    },
                    {
                        "sensor": "PED-001",
                        "metric": "pedestrians_out",
                        "period_start": "2025-10-07T08:00:00Z",
                        "value": 9,
                    },
                ],
                "next": "/feed?page=2",
            },
            "2": {
                "results": [
                    {
                        "sensor": "PED-001",
                        "metric": "pedestrians_in",
                        "period_start": "2025-10-07T08:15:00Z",
                        "value": 15,
                    },
                    {
                        "sensor": "PED-001",
                        "metric": "pedestrians_in",
                        "period_start": "2025-10-07T08:30:00Z",
                        "value": 15,
                        "plate": "AB-123-CD",
                    },
                ],
                "next": None,
                "cursor": "2025-10-07T08:15:00Z",
            },
        }
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                upstream.requests.append((self.path, self.headers.get("Authorization")))
                if upstream.failures > 0:
                    upstream.failures -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                number = query.get("page", ["1"])[0]
                if number in upstream.failing_pages:
                    self.send_response(502)
                    self.end_headers()
                    return
                page = upstream.pages[number]
                body = json.dumps(page).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream(settings):
    seed_catalogue()
    fake = FakeUpstream()
    settings.UPSTREAM_SENSOR_API_URL = fake.url
    settings.UPSTREAM_SENSOR_API_TOKEN = "s3cret"
    settings.UPSTREAM_SENSOR_API_BACKOFF = 0
    settings.UPSTREAM_SENSOR_API_RETRIES = 2
    settings.UPSTREAM_SENSOR_API_TIMEOUT = 5
    yield fake
    fake.close()


@freeze_time("2025-10-08T12:00:00Z", tick=True)
def test_upstream_pull_follows_pages_and_records_the_cursor(upstream):
    run = ingest(UpstreamSource())

    assert (run.status, run.received, run.accepted, run.rejected) == (
        IngestionStatus.SUCCEEDED,
        4,
        3,
        1,
    )
    assert run.rejected_by_reason == {"forbidden_field": 1}
    assert run.cursor_before is None
    assert run.cursor_after == datetime.datetime(2025, 10, 7, 8, 15, tzinfo=UTC)
    assert [path for path, _auth in upstream.requests] == ["/feed", "/feed?page=2"]
    assert {auth for _path, auth in upstream.requests} == {"Bearer s3cret"}
    assert Reading.objects.count() == 3


@freeze_time("2025-10-08T12:00:00Z", tick=True)
def test_upstream_outage_fails_the_run_then_recovery_loses_nothing(upstream):
    upstream.failures = 3  # more than the first try and its two retries

    with pytest.raises(UpstreamUnavailable, match="HTTP 503"):
        ingest(UpstreamSource())

    failed = IngestionRun.objects.get()
    assert (failed.status, failed.cursor_after, failed.accepted) == (
        IngestionStatus.FAILED,
        None,
        0,
    )
    assert failed.error == "HTTP 503 from upstream"
    assert len(upstream.requests) == 3

    upstream.failures = 1  # one transient error, absorbed by a retry
    recovered = ingest(UpstreamSource())

    assert recovered.status == IngestionStatus.SUCCEEDED
    assert recovered.cursor_before is None  # the failed run moved nothing
    assert recovered.accepted == 3
    assert Reading.objects.count() == 3


@freeze_time("2025-10-08T12:00:00Z", tick=True)
def test_upstream_outage_on_the_second_page_keeps_the_first_and_the_cursor(upstream):
    first = ingest(UpstreamSource())
    upstream.requests.clear()
    upstream.failing_pages = {"2"}

    with pytest.raises(UpstreamUnavailable, match="HTTP 502"):
        ingest(UpstreamSource())

    failed = IngestionRun.objects.order_by("-id").first()
    assert failed.status == IngestionStatus.FAILED
    assert (failed.received, failed.duplicates, failed.accepted) == (2, 2, 0)
    assert failed.cursor_after is None
    assert [path for path, _auth in upstream.requests] == [
        "/feed?since=2025-10-07T08%3A15%3A00%2B00%3A00",
        "/feed?page=2",
        "/feed?page=2",
        "/feed?page=2",
    ]
    upstream.failing_pages = set()
    assert ingest(UpstreamSource()).cursor_before == first.cursor_after
    assert Reading.objects.count() == 3


@freeze_time("2025-10-08T12:00:00Z", tick=True)
def test_pull_upstream_task_sends_the_since_cursor(upstream):
    ingest(UpstreamSource())
    upstream.requests.clear()

    run_id = pull_upstream_task.apply().get()

    run = IngestionRun.objects.get(pk=run_id)
    assert run.duplicates == 3
    assert upstream.requests[0][0] == "/feed?since=2025-10-07T08%3A15%3A00%2B00%3A00"


def test_pull_upstream_task_does_nothing_without_a_url(settings, db):
    settings.UPSTREAM_SENSOR_API_URL = ""

    assert pull_upstream_task.apply().get() is None
    assert IngestionRun.objects.count() == 0

"""Ingestion sources: the simulator, the upstream HTTP platform, a file.

Each source has ``kind`` (an ``IngestionSource``), ``describe()``,
``records()`` (an iterator of raw dicts or ``Malformed``), and the cursors
``cursor_before`` / ``cursor_after`` recorded on the run.
"""

import csv
import datetime
import io
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings

from ..enums import IngestionSource, IngestionStatus
from ..models import IngestionRun
from ..simulator import DEFAULT_SEED, align, simulate
from .service import Malformed, UpstreamUnavailable

logger = logging.getLogger(__name__)


def last_cursor(kind):
    """The ``cursor_after`` of the latest successful run of a source kind."""
    return (
        IngestionRun.objects.filter(
            source=kind, status=IngestionStatus.SUCCEEDED, cursor_after__isnull=False
        )
        .order_by("-cursor_after")
        .values_list("cursor_after", flat=True)
        .first()
    )


class SimulatorSource:
    """Simulated readings of the reference sensors for [start, end)."""

    kind = IngestionSource.SIMULATOR

    def __init__(self, start, end, *, seed=DEFAULT_SEED, codes=None):
        self.start = align(start)
        self.end = align(end)
        self.seed = seed
        self.codes = set(codes) if codes is not None else None
        self.cursor_before = self.start
        self.cursor_after = self.end

    def describe(self):
        return (
            f"simulator seed={self.seed} {self.start.isoformat()} -> "
            f"{self.end.isoformat()}"
        )

    def records(self):
        for code, slug, moment, value in simulate(
            self.start, self.end, seed=self.seed, codes=self.codes
        ):
            yield {
                "sensor": code,
                "metric": slug,
                "period_start": moment,
                "value": value,
            }


class UpstreamSource:
    """Pull readings from the upstream sensor platform since the last cursor.

    The upstream (assumed format) answers ``GET <url>?since=<ISO 8601>`` with
    either a JSON list of records or ``{"results": [...], "next": <url or
    null>, "cursor": <ISO 8601>}``; ``next`` pages are followed. Each request
    has a timeout and is retried with exponential back-off on network errors
    and 5xx answers; when retries run out ``UpstreamUnavailable`` is raised.
    """

    kind = IngestionSource.UPSTREAM
    max_pages = 1000

    def __init__(
        self,
        url=None,
        token=None,
        *,
        since=None,
        timeout=None,
        retries=None,
        backoff=None,
        sleep=time.sleep,
    ):
        self.url = url if url is not None else settings.UPSTREAM_SENSOR_API_URL
        self.token = (
            token if token is not None else (settings.UPSTREAM_SENSOR_API_TOKEN)
        )
        self.timeout = timeout or settings.UPSTREAM_SENSOR_API_TIMEOUT
        self.retries = (
            settings.UPSTREAM_SENSOR_API_RETRIES if retries is None else (retries)
        )
        self.backoff = (
            settings.UPSTREAM_SENSOR_API_BACKOFF if backoff is None else (backoff)
        )
        self.sleep = sleep
        self.cursor_before = since if since is not None else last_cursor(self.kind)
        self.cursor_after = self.cursor_before
        self.requests_made = 0

    def describe(self):
        host = urllib.parse.urlsplit(self.url or "").netloc or "-"
        since = self.cursor_before.isoformat() if self.cursor_before else "start"
        return f"upstream {host} since {since}"

    def first_url(self):
        if not self.cursor_before:
            return self.url
        separator = "&" if "?" in self.url else "?"
        since = urllib.parse.quote(self.cursor_before.isoformat())
        return f"{self.url}{separator}since={since}"

    def fetch(self, url):
        """GET one page as JSON, retrying transient failures with back-off."""
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        last_error = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            self.requests_made += 1
            request = urllib.request.Request(url, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    return json.loads(answer.read().decode("utf-8"))
            except urllib.error.HTTPError as exc:
                last_error = f"HTTP {exc.code} from upstream"
                if exc.code < 500 and exc.code != 429:
                    break
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                last_error = f"upstream unreachable: {exc}"
            except ValueError as exc:
                last_error = f"upstream answered invalid JSON: {exc}"
            logger.info("Upstream attempt %s failed: %s", attempt + 1, last_error)
        raise UpstreamUnavailable(last_error)

    def records(self):
        if not self.url:
            raise UpstreamUnavailable("UPSTREAM_SENSOR_API_URL is not set")
        url = self.first_url()
        newest = self.cursor_before
        page_cursor = None
        for _page in range(self.max_pages):
            body = self.fetch(url)
            if isinstance(body, list):
                items, next_url, page_cursor = body, None, None
            elif isinstance(body, dict):
                items = body.get("results") or []
                next_url = body.get("next")
                page_cursor = body.get("cursor") or page_cursor
            else:
                yield Malformed("upstream page is neither a list nor an object")
                break
            for item in items:
                moment = _quiet_timestamp(item)
                if moment is not None and (newest is None or moment > newest):
                    newest = moment
                yield item
            if not next_url:
                break
            url = urllib.parse.urljoin(url, next_url)
        self.cursor_after = _parse_cursor(page_cursor) or newest


def _quiet_timestamp(item):
    if not isinstance(item, dict):
        return None
    return _parse_cursor(item.get("period_start"))


def _parse_cursor(raw):
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    # Never past now: a clock-skewed upstream would make later pulls skip data.
    return min(moment.astimezone(datetime.UTC), datetime.datetime.now(datetime.UTC))


class FileSource:
    """Readings from a CSV file (header ``sensor,metric,period_start,value[,unit]``)
    or a JSON lines file (one object per line). The format follows the file
    extension (``.csv``; ``.jsonl``, ``.ndjson`` or ``.json``) unless given."""

    kind = IngestionSource.FILE
    cursor_before = None
    cursor_after = None

    def __init__(self, path, *, file_format=None):
        self.path = Path(path)
        if file_format is None:
            file_format = "csv" if self.path.suffix.lower() == ".csv" else "jsonl"
        self.file_format = file_format

    def describe(self):
        return f"file {self.path.name} ({self.file_format})"

    def records(self):
        with self.path.open("r", encoding="utf-8-sig", newline="") as handle:
            if self.file_format == "csv":
                yield from csv_records(handle)
            else:
                yield from jsonl_records(handle)


def csv_records(handle):
    reader = csv.reader(handle)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return
    required = {"sensor", "metric", "period_start", "value"}
    if not required <= set(header):
        yield Malformed(
            "line 1: the header must name sensor, metric, period_start, value"
        )
        return
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Malformed(
                f"line {line}: {len(row)} fields where the header has {len(header)}"
            )
            continue
        yield {name: cell.strip() for name, cell in zip(header, row, strict=True)}


def jsonl_records(handle):
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            yield json.loads(text)
        except ValueError:
            yield Malformed(f"line {line}: not valid JSON")


def records_from_text(text, *, file_format):
    """Parse in-memory text like a file (used by tests and uploads)."""
    handle = io.StringIO(text)
    if file_format == "csv":
        return list(csv_records(handle))
    return list(jsonl_records(handle))

"""The bench's load client against a local fake HTTP server (no Django)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import loadclient


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's gthread workers

    def do_GET(self):
        status, body = {
            "/ok": (200, b'{"status": "ok"}'),
            "/empty": (200, b""),
            "/missing": (404, b"no"),
        }.get(self.path, (500, b"error"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(handler):
    """A local server of ``handler`` in a thread: yields its port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_server():
    yield from serve(FakeHandler)


def test_percentile_nearest_rank():
    values = [5, 1, 4, 2, 3]

    assert loadclient.percentile(values, 0.5) == 3
    assert loadclient.percentile(values, 0.95) == 5
    assert loadclient.percentile([7], 0.5) == 7


def test_fetch_refuses_a_host_off_the_loopback():
    with pytest.raises(ValueError, match="loopback"):
        loadclient.fetch("/", host="example.org", port=80)


def test_run_phase_counts_every_good_response(fake_server):
    result = loadclient.run_phase(
        "/ok", port=fake_server, concurrency=2, warmup=0, duration=0.3
    )

    assert result["requests"] > 0
    assert result["error_count"] == 0
    assert result["errors"] == {}
    assert len(result["latencies"]) == result["requests"]
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]


@pytest.mark.parametrize(
    ("path", "error"), [("/missing", "404"), ("/boom", "500"), ("/empty", "empty body")]
)
def test_run_phase_counts_bad_responses_as_errors(fake_server, path, error):
    result = loadclient.run_phase(
        path, port=fake_server, concurrency=2, warmup=0, duration=0.2
    )

    assert result["requests"] > 0
    assert result["errors"] == {error: result["requests"]}


def test_run_phase_stops_at_the_request_cap(fake_server):
    result = loadclient.run_phase(
        "/ok", port=fake_server, concurrency=2, warmup=0, duration=5, max_requests=10
    )

    assert result["requests"] == 10


class CountingHandler(BaseHTTPRequestHandler):
    """Records the path and cookie of every POST; GET answers without a length."""

    protocol_version = "HTTP/1.1"
    seen = []

    def do_POST(self):
        CountingHandler.seen.append((self.path, self.headers["Cookie"]))
        body = b"registered" if self.path == "/register" else b""
        self.send_response(302 if self.path == "/register" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        # No Content-Length: the answer ends when the server closes.
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"until the end")
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def counting_server():
    CountingHandler.seen = []
    yield from serve(CountingHandler)


def test_burst_sends_every_request_once_and_reads_every_answer(counting_server):
    requests = [
        loadclient.raw_request(
            "POST",
            "/register" if n != 3 else "/nowhere",
            port=counting_server,
            headers={"Cookie": f"sessionid=person{n}"},
        )
        for n in range(5)
    ]

    latencies, statuses = loadclient.burst(requests, port=counting_server)

    assert statuses == [302, 302, 302, 404, 302]
    assert all(0 < latency < 10 for latency in latencies)
    assert sorted(CountingHandler.seen) == [
        ("/nowhere", "sessionid=person3"),
        ("/register", "sessionid=person0"),
        ("/register", "sessionid=person1"),
        ("/register", "sessionid=person2"),
        ("/register", "sessionid=person4"),
    ]


def test_burst_reads_an_answer_without_length_until_the_server_closes(counting_server):
    request = loadclient.raw_request("GET", "/", port=counting_server)

    latencies, statuses = loadclient.burst([request, request], port=counting_server)

    assert statuses == [200, 200]
    assert latencies[0] > 0 and latencies[1] > 0


def test_raw_request_is_one_bodiless_http11_request():
    raw = loadclient.raw_request(
        "POST", "/a/", port=8196, headers={"X-CSRFToken": "abc"}
    )

    assert raw == (
        b"POST /a/ HTTP/1.1\r\nHost: 127.0.0.1:8196\r\nX-CSRFToken: abc\r\n"
        b"Content-Length: 0\r\nConnection: close\r\n\r\n"
    )


def test_burst_refuses_a_host_off_the_loopback():
    with pytest.raises(ValueError, match="loopback"):
        loadclient.burst([b""], host="example.org", port=80)

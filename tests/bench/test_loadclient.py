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


@pytest.fixture
def fake_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


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

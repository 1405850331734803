"""Issue 14, beyond one machine: two web servers sharing one PostgreSQL and one
Redis, and a read-only replica stand-in answering the API.

    .venv/bin/python bench/two_servers.py [--duration 9] [--concurrency 8]

Uses the bench database as ``bench/run_all.py`` leaves it (run that first) and
the same API key holder. With the same 4 gthread workers in all, the mixed
uncached workload of ``run_all.py`` (every request differs) is measured:

1. one server of 4 workers on 127.0.0.1:8103, 8 clients;
2. two servers of 2 workers each (8103 and 8104, separate gunicorn masters,
   as two machines would run them), 4 clients on each, at the same time;
3. the same two servers with ``DATABASE_REPLICA_URL`` set: the API reads
   through the ``replica`` alias, here the same database in read-only
   sessions (``default_transaction_read_only``), as a streaming replica would
   be.

Then the shared state is checked: an answer cached by one server is served by
the other (same ETag, same Expires: not rebuilt), the key's usage meter counts
the requests of both servers, and a write through the ``replica`` alias fails.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year, loadclient, run_all  # noqa: E402


def serve(port, workers, *, replica=False):
    args = argparse.Namespace(
        port=port, workers=workers, worker_class="gthread", threads=1
    )
    if replica:
        os.environ["DATABASE_REPLICA_URL"] = os.environ["DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_REPLICA_URL", None)
    log = run_all.CACHE_DIR / f"gunicorn-{port}.log"
    server = run_all.start_gunicorn(args, log)
    run_all.wait_ready(server, port)
    return server


def load(ports, pool, headers, *, concurrency, duration):
    """Send the pool's paths to all ``ports`` at once, clients split evenly."""
    outcomes = {}
    share = concurrency // len(ports)

    def drive(port):
        outcomes[port] = loadclient.run_phase(
            pool.take(run_all.PATHS_PER_PHASE),
            port=port,
            headers=headers,
            concurrency=share,
            processes=1,
            warmup=1.0,
            duration=duration,
        )

    threads = [threading.Thread(target=drive, args=(port,)) for port in ports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [v for result in outcomes.values() for v in result["latencies"]]
    seconds = max(result["seconds"] for result in outcomes.values())
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": loadclient.percentile(latencies, 0.5) * 1000,
        "p95_ms": loadclient.percentile(latencies, 0.95) * 1000,
        "requests": len(latencies),
        "errors": sum(result["error_count"] for result in outcomes.values()),
        "per_server": {port: round(r["rps"]) for port, r in outcomes.items()},
    }


def shared_state(ports, headers, token):
    from datasets.access import keys, metering
    from datasets.api import fastcache

    path = (
        "/api/v1/readings/?sensor=PED-002&metric=pedestrians_in"
        "&start=2025-11-18&end=2025-11-19&interval=15min"
    )
    hash_key, field, _timeout = metering.meter_for(keys.digest_of(token))
    before = fastcache.hgetall(hash_key).get(field, 0)
    # Behind a load balancer every server sees the site's host name (the
    # response cache's key holds it), not its own port.
    headers = {**headers, "Host": "127.0.0.1"}
    _s, first, _b = loadclient.fetch(path, port=ports[0], headers=headers)
    time.sleep(1.1)
    _s, second, _b = loadclient.fetch(path, port=ports[1], headers=headers)
    after = fastcache.hgetall(hash_key).get(field, 0)
    same = (first["ETag"], first["Expires"]) == (second["ETag"], second["Expires"])
    return {
        "cached_answer_shared": same,
        "meter_counted_both": after - before == 2,
    }


def replica_refuses_writes():
    from django.db import connections
    from django.db.utils import DatabaseError

    connections.settings["replica"] = {
        **connections.settings["default"],
        "OPTIONS": {"options": "-c default_transaction_read_only=on"},
    }
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute("UPDATE datasets_sensor SET code = code WHERE id = 0")
    except DatabaseError as error:
        return str(error).splitlines()[0]
    return "the write went through"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=9.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--only-shared", action="store_true", help="the shared-state checks only"
    )
    args = parser.parse_args(argv)
    load_year.configure_environment()
    import django

    django.setup()
    token = run_all.bench_api_key()
    headers = run_all.auth_headers("key", cookie="", token=token)
    pool = run_all.PathPool(("a", "b", "c"), seed=41)
    results = {}
    if args.only_shared:
        servers = [serve(port, 2) for port in (8103, 8104)]
        try:
            print("shared state", shared_state([8103, 8104], headers, token))
        finally:
            for server in servers:
                run_all.stop_gunicorn(server)
        return 0
    for name, ports, workers, replica in (
        ("one server, 4 workers", [8103], 4, False),
        ("two servers, 2 workers each", [8103, 8104], 2, False),
        ("two servers, API on the replica alias", [8103, 8104], 2, True),
    ):
        servers = [serve(port, workers, replica=replica) for port in ports]
        try:
            # Warm every worker (URLconf import), then measure.
            load(ports, pool, headers, concurrency=8, duration=1.0)
            results[name] = load(
                ports,
                pool,
                headers,
                concurrency=args.concurrency,
                duration=args.duration,
            )
            if len(ports) == 2 and not replica:
                results["shared state"] = shared_state(ports, headers, token)
        finally:
            for server in servers:
                run_all.stop_gunicorn(server)
        print(name, results[name], flush=True)
    results["replica write"] = replica_refuses_writes()
    print("shared state", results.get("shared state"))
    print("write through the replica alias:", results["replica write"])
    print(f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

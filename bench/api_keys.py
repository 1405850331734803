"""Issue 11's bench of API keys: (d) against the anonymous equivalent and (e).

    .venv/bin/python bench/api_keys.py [--duration 9] [--concurrency 8] ...

On the bench database of ``bench/load_year.py`` (reused), gunicorn serving
``bench.settings`` as in ``bench/run_all.py``, measured by the same load
client in interleaved rounds:

- **(d)** a keyed request for one sensor-day of 15-minute values
  (``/api/v1/readings/?sensor=PED-001&metric=pedestrians_in&start=2025-10-07
  &end=2025-10-08&interval=15min`` with ``Authorization: Bearer obk_...``):
  authentication, scope, IP check, the grant's per-minute and per-day limits,
  the unknown-key bucket, metering and last use, all in the one Redis round
  trip of ``datasets.api.throttling.admit``;
- **anonymous equivalent**: the same sensor-day, hourly, without a key (the
  anonymous limit's round trip, the same response cache): ``(d) - anon`` at
  c=1 is the cost of the key checks and metering (target < 1 ms);
- **(e)** the same 96 values served the usual way: djangorestframework-api-key
  (``HasAPIKey``), DRF's cache throttle per key and a ``ModelSerializer``
  list view (``bench/baseline_keys.py``); target: (d) >= 3 x (e) in
  throughput at c=N.

Writes bench/.cache/api-keys.json and .md; ``bench/run_all.py`` runs it at the
end unless ``--skip-keys``. Exit status 1 when a response was not a 200 with a
body (and with ``--strict`` when a target is missed).
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year, loadclient, run_all  # noqa: E402

D_PATH = run_all.A_PATH
ANON_PATH = D_PATH.replace("interval=15min", "interval=hour")
E_PATH = (
    "/bench/baseline/readings/?sensor=PED-001&metric=pedestrians_in"
    "&start=2025-10-07&end=2025-10-08"
)


def baseline_key():
    """A fresh djangorestframework-api-key key (earlier bench ones deleted)."""
    from django.core.management import call_command
    from rest_framework_api_key.models import APIKey

    call_command("migrate", "rest_framework_api_key", verbosity=0)
    APIKey.objects.filter(name="bench").delete()
    _key, token = APIKey.objects.create_key(name="bench")
    return token


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
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=9.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--strict", action="store_true")
    parser.add_argument(
        "--full-year",
        action="store_true",
        help="load the whole year (as run_all.py does); by default only the "
        "month of the measured day is made sure of",
    )
    args = parser.parse_args(argv)

    print("== Bench database")
    if not args.full_year:
        # Both (d) and (e) read one sensor-day of October 2025: that month is
        # enough (the rest of the year, when loaded, stays).
        year_chunks = load_year.month_chunks
        load_year.month_chunks = lambda: [
            chunk for chunk in year_chunks() if chunk[0].month == 10
        ]
    load_year.load_year(out=print)
    machine = run_all.machine_info()
    for key, value in machine.items():
        print(f"  {key}: {value}")
    if not run_all.port_is_free(args.port):
        sys.exit(f"Port {args.port} is in use: stop that server or set BENCH_PORT.")
    token = run_all.bench_api_key()
    baseline = baseline_key()
    subjects = [
        ("d", D_PATH, {"Authorization": f"Bearer {token}"}),
        ("anon", ANON_PATH, {}),
        ("e", E_PATH, {"Authorization": f"Api-Key {baseline}"}),
    ]
    run_all.CACHE_DIR.mkdir(parents=True, exist_ok=True)
    server = run_all.start_gunicorn(args, run_all.CACHE_DIR / "gunicorn-keys.log")
    try:
        run_all.wait_ready(server, args.port)
        for key, path, headers in subjects:
            status, _h, body = loadclient.fetch(path, port=args.port, headers=headers)
            print(f"== {key}: {path}\n  {status}, {len(body):,} bytes")
            if status != 200:
                sys.exit(f"{key} answered {status}: {body[:300]!r}")
            count = len(json.loads(body)["results"] if key != "e" else json.loads(body))
            print(f"  {count} values")
        for _key, path, headers in subjects:
            loadclient.run_phase(
                path,
                port=args.port,
                headers=headers,
                concurrency=2 * args.workers,
                processes=args.processes,
                warmup=0,
                duration=1.0,
            )
        results = run_all.measure_rounds(subjects, args=args)
    finally:
        run_all.stop_gunicorn(server)
    for key, result in results.items():
        print(f"  {key}")
        run_all.print_phase(result)
    d, anon, e = results["d"], results["anon"], results["e"]
    cost_ms = d["c1"]["p50_ms"] - anon["c1"]["p50_ms"]
    ratio = d["load"]["rps"] / e["load"]["rps"]
    checks = [
        (
            "key checks and metering, (d) - anon p50 at c=1",
            f"{cost_ms:.2f} ms",
            "< 1 ms",
            cost_ms < 1.0,
        ),
        ("throughput (d) / (e) at c=N", f"{ratio:.1f}x", ">= 3x", ratio >= 3),
    ]
    table = ["| | c=1 p50 | c=N req/s | c=N p50 | c=N p95 |", "|---|---|---|---|---|"]
    labels = {
        "d": "(d) keyed sensor-day, 15 min",
        "anon": "anonymous equivalent (hourly)",
        "e": "(e) drf-api-key + DRF throttle + ModelSerializer",
    }
    for key, label in labels.items():
        result = results[key]
        table.append(
            f"| {label} | {result['c1']['p50_ms']:.2f} ms | "
            f"{result['load']['rps']:.0f} | {result['load']['p50_ms']:.2f} ms | "
            f"{result['load']['p95_ms']:.2f} ms |"
        )
    print("\n" + "\n".join(table))
    for label, measured, target, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}: {measured} (target {target})")
    errors = sum(
        phase["error_count"] for result in results.values() for phase in result.values()
    )
    print(f"  non-200 or empty responses: {errors}")
    for result in results.values():
        for phase in result.values():
            phase.pop("latencies", None)
    report = {
        "machine": machine,
        "settings": vars(args),
        "results": results,
        "checks": [list(check) for check in checks],
    }
    (run_all.CACHE_DIR / "api-keys.json").write_text(
        json.dumps(report, indent=2, default=str)
    )
    (run_all.CACHE_DIR / "api-keys.md").write_text("\n".join(table) + "\n")
    if errors:
        return 1
    if args.strict and not all(check[3] for check in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

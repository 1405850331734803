"""Issue 14: the five-year bench database, started from the one-year one.

    BENCH_DATABASE_URL=postgres://.../portal_bench \\
    BENCH_5Y_DATABASE_URL=postgres://.../portal_bench_5y \\
    nice -n 19 .venv/bin/python bench/load_five_years.py [--reset]

1. makes sure the one-year database is loaded (``bench/load_year.py``: 2025,
   resumable by month);
2. when the five-year database does not exist yet (or ``--reset``), creates it
   as a file copy of the one-year database (``CREATE DATABASE ... TEMPLATE ...
   STRATEGY FILE_COPY``: its first twelve months are then byte for byte those
   of the one-year database, and the copy takes a minute where loading them
   again takes ten); the copy needs no other session on the one-year database
   and is retried for ``--wait`` seconds;
3. loads the four following years (2026 to 2029) into it with the same
   loader (``BENCH_YEARS=5``): one Paris month per transaction, a marker row
   per month, so a stopped run continues where it stopped (``BENCH_LOAD_UNTIL
   =HH:MM`` stops it cleanly before a month).

2025 is the first year of both databases, so the bench's URLs (days of 2025)
ask the same thing of both and the ratios compare like with like. The rows
are stored in time order, as ingestion stores them.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load_year  # noqa: E402

DEFAULT_5Y_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_5y"


def _run_loader(url, years):
    env = dict(os.environ, BENCH_DATABASE_URL=url, BENCH_YEARS=str(years))
    subprocess.run(
        [sys.executable, "-u", str(ROOT / "bench" / "load_year.py")],
        cwd=ROOT,
        env=env,
        check=True,
    )


def copy_database(source_url, target_url, *, reset=False, wait=600, out=print):
    """Create the target as a file copy of the source; False when it exists."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    source = conninfo_to_dict(source_url)["dbname"]
    target = conninfo_to_dict(target_url)["dbname"]
    admin = make_conninfo(target_url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if reset:
            out(f"Dropping database {target}")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(target)
                )
            )
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target]
        ).fetchone()
        if exists:
            out(f"{target} exists: continuing its load")
            return False
        deadline = time.monotonic() + wait
        started = time.monotonic()
        while True:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                        sql.Identifier(target), sql.Identifier(source)
                    )
                )
                break
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                out(f"  {source} has other sessions: retrying in 10 s")
                time.sleep(10)
        out(f"Copied {source} to {target} in {time.monotonic() - started:.0f} s")
        return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reset", action="store_true", help="recopy the 5-year DB")
    parser.add_argument("--wait", type=int, default=600)
    args = parser.parse_args(argv)
    one_year = os.environ.get("BENCH_DATABASE_URL", load_year.DEFAULT_DATABASE_URL)
    five_years = os.environ.get("BENCH_5Y_DATABASE_URL", DEFAULT_5Y_URL)
    started = time.monotonic()
    print(f"1. The one-year database ({one_year})", flush=True)
    _run_loader(one_year, 1)
    print(f"2. The five-year database ({five_years})", flush=True)
    copy_database(one_year, five_years, reset=args.reset, wait=args.wait)
    print("3. The years 2026 to 2029", flush=True)
    _run_loader(five_years, 5)
    print(f"Done in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()

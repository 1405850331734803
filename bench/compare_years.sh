#!/bin/sh
# Issue 14: the same measurements on the one-year and the five-year bench
# databases, back to back (ratios in the same run), the load average printed
# before each step. Writes to stdout; give the URLs of both databases:
#
#   ONE=postgres://postgres@127.0.0.1:5432/portal_bench \
#   FIVE=postgres://postgres@127.0.0.1:5432/portal_bench_5y \
#   BENCH_REDIS_URL=redis://127.0.0.1:6379/4 BENCH_PORT=8197 \
#   sh bench/compare_years.sh [--with-memory]
#
# Steps: sizes and months loaded, pages per query (layout.py), CPU per
# request (cpu_cost.py, twice, alternating), ingestion and rollup upkeep
# (upkeep.py), the HTTP bench (run_all.py: cached and uncached subjects, the
# export's memory only with --with-memory: it streams a year, minutes).
set -e
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${BENCH_PORT:-8197}
MEMORY=--skip-memory
[ "$1" = "--with-memory" ] && MEMORY=

step() { echo; echo "#### $1 ($(date -u +%H:%M:%S) UTC, $(cut -d' ' -f1-3 /proc/loadavg))"; }

for url in "$ONE" "$FIVE"; do
  step "sizes: $url"
  psql "$url" -Atc "SELECT 'months loaded', count(*), min(chunk_start)::date, max(chunk_end)::date FROM bench_loaded_chunk" \
    -c "SELECT relname, to_char(n_live_tup, 'FM999,999,999') rows_estimate, pg_size_pretty(pg_relation_size(relid)) heap, pg_size_pretty(pg_indexes_size(relid)) indexes, pg_size_pretty(pg_total_relation_size(relid)) total FROM pg_stat_user_tables WHERE relname IN ('datasets_reading','datasets_hourlyrollup','datasets_dailyrollup') ORDER BY 1" \
    -c "SELECT 'database', pg_size_pretty(pg_database_size(current_database()))"
  step "pages per query: $url"
  BENCH_DATABASE_URL=$url $PY bench/layout.py
done
for round in 1 2; do
  for url in "$ONE" "$FIVE"; do
    step "CPU per request, round $round: $url"
    BENCH_DATABASE_URL=$url PORTAL_CACHE_PREFIX="cpu$round$(date +%s)" \
      $PY bench/cpu_cost.py --requests 200 --kinds bare,cached,a,b,c
  done
done
for url in "$ONE" "$FIVE"; do
  step "upkeep: $url"
  BENCH_DATABASE_URL=$url $PY bench/upkeep.py --repeat 3
done
for url in "$ONE" "$FIVE"; do
  step "HTTP bench: $url"
  BENCH_DATABASE_URL=$url PORTAL_CACHE_PREFIX="run$(date +%s)" \
    $PY bench/run_all.py --port "$PORT" $MEMORY --skip-keys --skip-certificates \
    --duration "${DURATION:-5}" --rounds "${ROUNDS:-2}"
done
step "done"

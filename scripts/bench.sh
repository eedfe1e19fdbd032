#!/usr/bin/env bash
# `make bench`: builds the release binary, installs the load generator if it is missing, and
# runs scripts/bench.py (see its header for the settings: BENCH_REVIEWS=100000 for a quick run).
# Prints one table of ratios measured side by side; fails only when the benchmark cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
    echo "[bench] installing wrk (Debian package)" >&2
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
for tool in valgrind taskset curl sqlite3 psql openssl; do
    command -v "$tool" >/dev/null || echo "[bench] $tool is missing: the figures that need it are skipped or fail" >&2
done
"${CARGO:-cargo}" build --release -q -p leder-api --bin leder
exec python3 scripts/bench.py "$@"

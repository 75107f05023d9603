#!/usr/bin/env bash
# Foundation benchmark: idle resident memory of `simpul serve`, and requests/s with p50/p99
# latency of an authenticated `GET /api/v1/agencies` (the demo region, 16 agencies), on
# SQLite and on PostgreSQL, under wrk. Usage: bench/foundation.sh [seconds] [connections]
# Needs: cargo, wrk (installed from Debian if missing), PostgreSQL at $BENCH_PG_URL for the
# PostgreSQL half (default postgres://postgres@127.0.0.1:5432/simpul_bench, created fresh).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
conns=${2:-32}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
cargo build --release -q
bin=$PWD/target/release/simpul
out=bench/out; mkdir -p "$out"
pg_admin=${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/simpul_bench}
port=18080

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

run_one() {
  local name=$1 url=$2 dir
  dir=$(mktemp -d)
  export SIMPUL_DATABASE_URL=$url SIMPUL_DATA_DIR=$dir SIMPUL_HTTP_ADDR=127.0.0.1:$port SIMPUL_LOG=warn
  "$bin" demo >/dev/null
  local token; token=$("$bin" admin create-token --login admin)
  "$bin" serve >"$out/$name-serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  sleep 2
  local idle; idle=$(rss_kb $pid)
  wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/agencies" >"$out/$name-wrk.txt"
  local loaded; loaded=$(rss_kb $pid)
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/$name-wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$out/$name-wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$out/$name-wrk.txt")
  printf '| %-10s | %8s | %8s | %10s | %8s | %8s |\n' "$name" "$((idle / 1024)) MB" "$((loaded / 1024)) MB" "$rps" "$p50" "$p99"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); commit $(git rev-parse --short HEAD); wrk -t2 -c$conns -d${secs}s"
printf '| %-10s | %8s | %8s | %10s | %8s | %8s |\n' backend "idle RSS" "RSS load" "requests/s" p50 p99
printf '|%s|%s|%s|%s|%s|%s|\n' ------------ ---------- ---------- ------------ ---------- ----------
run_one sqlite "sqlite://$(mktemp -d)/bench.db"
if psql "$pg_admin" -qc "DROP DATABASE IF EXISTS simpul_bench" -c "CREATE DATABASE simpul_bench" >/dev/null 2>&1; then
  run_one postgres "$pg_url"
else
  echo "| postgres   | skipped: no PostgreSQL at $pg_admin |"
fi

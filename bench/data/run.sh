#!/usr/bin/env bash
# Satu Data benchmark, in one run:
#   ingest — a ROWS-row, 12-column CSV (bench/data/generate.py) read by `simpul data ingest`
#            (release build) into SQLite and into PostgreSQL (COPY), every row checked;
#   query  — requests/s and p99 of Simpul's query API beside Datasette (PyPI) serving the same
#            rows (immutable, facet suggestions off), under wrk: a filtered, paginated query and
#            a group-and-count, each cycling through every district; then each distinct query
#            once, cold, one at a time (Simpul keeps answers per immutable version; Datasette
#            computes every request), both without and with an index Datasette is given.
# Usage: bench/data/run.sh [rows] [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
secs=${2:-10}
conns=${3:-16}
out=bench/out/data; mkdir -p "$out"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
python3 -c 'import datasette' 2>/dev/null || python3 -m pip install --quiet 'datasette>=0.65,<1'
cargo build --release -q
bin=$PWD/target/release/simpul
pg=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432}
sport=18280; dport=18290
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# Kept between runs, named by the generator's contents so a changed generator makes it anew.
csv=$PWD/$out/bench-$rows-$(sha256sum bench/data/generate.py | cut -c1-8).csv
[ -s "$csv" ] || python3 bench/data/generate.py "$rows" >"$csv"
echo "file: $(du -h "$csv" | cut -f1), $rows rows, 12 columns"

districts="Cileunyi Cimenyan Cilengkrang Bojongsoang Margahayu Margaasih Katapang Dayeuhkolot Banjaran Pameungpeuk"
# wrk cycles through the URLs of a file, one per line.
cat >"$out/urls.lua" <<'LUA'
local urls = {}
for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line end
local i = 0
request = function()
  i = i % #urls + 1
  return wrk.format("GET", urls[i], { ["Authorization"] = os.getenv("AUTH") })
end
LUA
wrk_run() { # name url-file auth
  URLS=$2 AUTH=${3:-} wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$out/urls.lua" "http://127.0.0.1:$4" >"$out/$1.txt"
  awk -v n="$1" '/Non-2xx/ {bad=$5} $1=="99%" {p99=$2} /Requests\/sec/ {rps=$2}
       END {printf "%-28s %8.0f req/s  p99 %s  non-2xx %d\n", n, rps, p99, bad+0}' "$out/$1.txt"
}
cold() { # name url-file auth port: each URL once, one at a time; mean milliseconds
  local total=0 n=0 t
  while read -r u; do
    t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: ${3:-x}" "http://127.0.0.1:$4$u")
    total=$(python3 -c "print($total + $t)"); n=$((n + 1))
  done <"$2"
  python3 -c "print(f'%-28s %8.1f ms per query, cold (%d queries)' % ('$1', $total * 1000 / $n, $n))"
}

simpul() { # name database-url
  local name=$1 url=$2 dir
  dir=$(mktemp -d)
  export SIMPUL_DATA_DIR=$dir SIMPUL_DATABASE_URL=$url SIMPUL_HTTP_ADDR=127.0.0.1:$sport \
         SIMPUL_PUBLIC_URL=http://127.0.0.1:$sport SIMPUL_LOG=warn
  "$bin" demo >/dev/null
  "$bin" serve >"$out/simpul-$name.log" 2>&1 & local spid=$!; pids+=("$spid")
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$sport/healthz" >/dev/null && break; sleep 0.1; done
  local token agency
  token=$("$bin" admin create-token --login admin)
  agency=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$sport/api/v1/agencies?q=DISDUKCAPIL" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -X POST "http://127.0.0.1:$sport/api/v1/data/datasets" \
    -d "{\"agency_id\":\"$agency\",\"slug\":\"bench\",\"title\":\"Bench\",\"topic\":\"population\",\"classification\":\"public\",\"frequency\":\"annual\"}" >/dev/null
  curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -X PUT "http://127.0.0.1:$sport/api/v1/data/datasets/bench/columns" \
    -d @bench/data/columns.json >/dev/null
  echo "simpul-$name ingest: $("$bin" data ingest --dataset bench "$csv" | sed 's/^version 1: //')"
  : >"$out/simpul-filter.urls"; : >"$out/simpul-group.urls"
  for d in $districts; do
    echo "/api/v1/data/datasets/bench/rows?kecamatan=$d&_size=50" >>"$out/simpul-filter.urls"
    echo "/api/v1/data/datasets/bench/rows?kecamatan=$d&_group=pendidikan" >>"$out/simpul-group.urls"
  done
  cold "simpul-$name filter" "$out/simpul-filter.urls" "Bearer $token" $sport
  cold "simpul-$name group" "$out/simpul-group.urls" "Bearer $token" $sport
  wrk_run "simpul-$name-filter" "$out/simpul-filter.urls" "Bearer $token" $sport
  wrk_run "simpul-$name-group" "$out/simpul-group.urls" "Bearer $token" $sport
  kill "$spid"; wait "$spid" 2>/dev/null || true
}

simpul sqlite "sqlite://$(mktemp -d)/simpul.db"
psql "$pg/postgres" -qc 'DROP DATABASE IF EXISTS simpul_bench_data' -c 'CREATE DATABASE simpul_bench_data' >/dev/null
simpul postgres "$pg/simpul_bench_data"

datasette() { # name db
  python3 -m datasette serve -i "$2" -p $dport --setting suggest_facets off --setting sql_time_limit_ms 60000 \
    --setting num_sql_threads 2 >"$out/datasette-$1.log" 2>&1 & local dpid=$!; pids+=("$dpid")
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$dport/-/versions.json" >/dev/null && break; sleep 0.2; done
  : >"$out/d-filter.urls"; : >"$out/d-group.urls"
  local stem; stem=$(basename "$2" .db)
  for d in $districts; do
    echo "/$stem/rows.json?kecamatan=$d&_size=50" >>"$out/d-filter.urls"
    echo "/$stem.json?sql=select+pendidikan,count(*)+from+rows+where+kecamatan=:k+group+by+pendidikan&k=$d" >>"$out/d-group.urls"
  done
  cold "datasette-$1 filter" "$out/d-filter.urls" "" $dport
  cold "datasette-$1 group" "$out/d-group.urls" "" $dport
  wrk_run "datasette-$1-filter" "$out/d-filter.urls" "" $dport
  wrk_run "datasette-$1-group" "$out/d-group.urls" "" $dport
  kill "$dpid"; wait "$dpid" 2>/dev/null || true
}
ddir=$(mktemp -d)
python3 bench/data/load_datasette.py "$csv" "$ddir/bench.db"
datasette plain "$ddir/bench.db"
python3 bench/data/load_datasette.py "$csv" "$ddir/indexed.db" --index
datasette indexed "$ddir/indexed.db"

#!/usr/bin/env bash
# The cost of SQLite's `synchronous = FULL` (the default: a commit survives a power loss) beside
# `NORMAL` (survives a process kill only): audited writes per second, `POST /api/v1/agencies`
# from 1 and from 8 concurrent clients, the same binary and data, one run each.
# Usage: bench/durability.sh [writes per client]    (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-300}
cargo build --release -q
bin=$PWD/target/release/simpul
port=18090

run() {
  local sync=$1 clients=$2 dir
  dir=$(mktemp -d)
  export SIMPUL_DATABASE_URL="sqlite://$dir/simpul.db" SIMPUL_DATA_DIR=$dir \
    SIMPUL_HTTP_ADDR=127.0.0.1:$port SIMPUL_LOG=warn SIMPUL_SQLITE_SYNC=$sync
  "$bin" demo >/dev/null
  local token; token=$("$bin" admin create-token --login admin)
  "$bin" serve >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  python3 - "$port" "$token" "$clients" "$n" "$sync" <<'PY'
import json, sys, threading, time, urllib.request
port, token, clients, n, sync = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def worker(w):
    for i in range(n):
        body = json.dumps({"name": f"Dinas Uji {w}-{i}", "code": f"U{w}X{i}", "kind": "dinas"}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/agencies", data=body, method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            assert r.status == 201
start = time.monotonic()
threads = [threading.Thread(target=worker, args=(w,)) for w in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
secs = time.monotonic() - start
print(f"{sync:6} {clients} client(s): {clients*n} writes in {secs:.2f} s = {clients*n/secs:.0f} writes/s")
PY
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
}

for clients in 1 8; do
  run full "$clients"
  run normal "$clients"
done

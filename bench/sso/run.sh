#!/usr/bin/env bash
# Single sign-on benchmark: Simpul's provider (SQLite, release build) beside panva's certified
# oidc-provider 9 (Node, in-memory) under the same load tool, in one run.
#   client-credentials grants/s, code exchanges/s and refresh/s with RS256 and with ES256 ID
#   tokens, userinfo/s (p50/p99, both; a rate counts answered grants only);
#   password sign-ins/s (Simpul; against the raw argon2id rate); resident memory of each.
# Usage: bench/sso/run.sh [seconds] [connections]   (installs wrk and the peer if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
conns=${2:-32}
code_secs=$(( secs < 3 ? secs : 3 ))
out=bench/out/sso; mkdir -p "$out"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
python3 -c 'import requests' 2>/dev/null || python3 -m pip install --quiet requests
(cd bench/sso/peer && npm ci --silent --no-audit --no-fund)
cargo build --release -q
cargo build --release -q -p accounts --example argon2_rate
bin=$PWD/target/release/simpul
lua=$PWD/bench/sso
sport=18080; pport=18090
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
field() { python3 -c "import json,sys; d=json.load(open('$1')); print(d['$2'] if isinstance(d['$2'], str) else '\n'.join(d['$2']))"; }
wrk_run() { # name url script grant values basic extra-headers...
  local name=$1 url=$2 script=$3 grant=$4 values=$5 basic=$6; shift 6
  local secs=$secs
  # Codes are minted beforehand and each is good once: a short run never runs out of them.
  [ "$grant" = authorization_code ] && secs=$code_secs
  GRANT=$grant VALUES=$values BASIC=$basic THREADS=2 LOGIN=admin PASSWORD=Sukamaju-2026 \
    wrk -t2 -c"$conns" -d"${secs}s" --latency ${script:+-s "$script"} "$@" "$url" >"$out/$name.txt"
  # The rate counts answered grants only (2xx): a refused request is not a token.
  awk -v n="$name" '/Non-2xx/ {bad=$5} $1=="50%" {p50=$2} $1=="99%" {p99=$2}
       /requests in/ {total=$1; dur=$4; sub(/s,?$/, "", dur)}
       END {printf "%s %.0f %s %s %s\n", n, (total-bad)/dur, p50, p99, bad+0}' "$out/$name.txt"
}

# --- Simpul ---
dir=$(mktemp -d)
export SIMPUL_DATA_DIR=$dir SIMPUL_DATABASE_URL=sqlite://$dir/simpul.db SIMPUL_HTTP_ADDR=127.0.0.1:$sport \
       SIMPUL_PUBLIC_URL=http://127.0.0.1:$sport SIMPUL_LOG=warn
"$bin" demo >/dev/null
"$bin" admin create-client --name bench --redirect-uri http://127.0.0.1:9/callback >"$out/client.json"
"$bin" admin create-client --name bench-es --alg ES256 --redirect-uri http://127.0.0.1:9/callback >"$out/client-es.json"
"$bin" serve >"$out/simpul.log" 2>&1 & spid=$!; pids+=("$spid")
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$sport/healthz" >/dev/null && break; sleep 0.1; done
sleep 1; s_idle=$(rss $spid)
results=()
simpul_flows() { # suffix client-file: refresh and code exchanges for one client
  local sfx=$1 cid secret basic
  cid=$(field "$2" client_id); secret=$(field "$2" client_secret)
  basic=$(printf '%s:%s' "$cid" "$secret" | base64 -w0)
  local mint="BASE=http://127.0.0.1:$sport CLIENT_ID=$cid CLIENT_SECRET=$secret REDIRECT_URI=http://127.0.0.1:9/callback LOGIN=admin PASSWORD=Sukamaju-2026"
  env $mint REFRESHES=128 python3 bench/sso/simpul_tokens.py >"$out/simpul-tokens$sfx.json"
  field "$out/simpul-tokens$sfx.json" refresh_tokens >"$out/simpul-refresh-tokens$sfx.txt"
  if [ -z "$sfx" ]; then
    sat=$(field "$out/simpul-tokens.json" access_token)
    results+=("simpul $(wrk_run simpul-cc "http://127.0.0.1:$sport/oauth2/token" "$lua/token.lua" client_credentials "" "$basic")")
    results+=("simpul $(wrk_run simpul-userinfo "http://127.0.0.1:$sport/oauth2/userinfo" "" - "" "" -H "Authorization: Bearer $sat")")
  fi
  results+=("simpul $(wrk_run simpul-refresh$sfx "http://127.0.0.1:$sport/oauth2/token" "$lua/token.lua" refresh_token "$out/simpul-refresh-tokens$sfx.txt" "$basic")")
  # Codes live 60 s: mint them right before their run.
  env $mint CODES=${BENCH_CODES:-20000} python3 bench/sso/simpul_tokens.py >"$out/simpul-codes$sfx.json"
  field "$out/simpul-codes$sfx.json" codes >"$out/simpul-code-values$sfx.txt"
  results+=("simpul $(wrk_run simpul-code$sfx "http://127.0.0.1:$sport/oauth2/token" "$lua/token.lua" authorization_code "$out/simpul-code-values$sfx.txt" "$basic")")
}
simpul_flows "" "$out/client.json"
simpul_flows -es "$out/client-es.json"
results+=("simpul $(wrk_run simpul-signin "http://127.0.0.1:$sport/sign-in" "$lua/signin.lua" - "" "")")
s_load=$(rss $spid)
kill $spid; wait $spid 2>/dev/null || true
rm -rf "$dir"

# --- oidc-provider ---
pbasic=$(printf 'bench:bench-secret-bench-secret-bench-secret-00' | base64 -w0)
(cd bench/sso/peer && PORT=$pport CODES=${BENCH_PEER_CODES:-30000} REFRESHES=128 exec node server.mjs) >"$out/peer.json" 2>"$out/peer.log" & ppid=$!
for _ in $(seq 1200); do [ -s "$out/peer.json" ] && break; sleep 0.1; done
sleep 1
nodepid=$(pgrep -P "$ppid" node || pgrep -f "node server.mjs" | head -1); pids+=("$nodepid" "$ppid")
p_idle=$(rss "$nodepid")
head -1 "$out/peer.json" >"$out/peer-tokens.json"
pat=$(field "$out/peer-tokens.json" access_token)
results+=("peer $(wrk_run peer-cc "http://127.0.0.1:$pport/token" "$lua/token.lua" client_credentials "" "$pbasic")")
results+=("peer $(wrk_run peer-userinfo "http://127.0.0.1:$pport/me" "" - "" "" -H "Authorization: Bearer $pat")")
for sfx in "" -es; do
  key=${sfx/-/_}
  basic=$(printf 'bench%s:bench-secret-bench-secret-bench-secret-00' "$sfx" | base64 -w0)
  field "$out/peer-tokens.json" "refresh_tokens$key" >"$out/peer-refresh-tokens$sfx.txt"
  field "$out/peer-tokens.json" "codes$key" >"$out/peer-code-values$sfx.txt"
  results+=("peer $(wrk_run peer-refresh$sfx "http://127.0.0.1:$pport/token" "$lua/token.lua" refresh_token "$out/peer-refresh-tokens$sfx.txt" "$basic")")
  results+=("peer $(wrk_run peer-code$sfx "http://127.0.0.1:$pport/token" "$lua/token.lua" authorization_code "$out/peer-code-values$sfx.txt" "$basic")")
done
p_load=$(rss "$nodepid")
kill "$nodepid" 2>/dev/null || true; wait $ppid 2>/dev/null || true

echo "machine: $(nproc) cores; commit $(git rev-parse --short HEAD); wrk -t2 -c$conns -d${secs}s (code exchanges ${code_secs}s); Simpul on SQLite, oidc-provider $(node -p "require('./bench/sso/peer/node_modules/oidc-provider/package.json').version") on Node $(node --version) in memory"
printf '%s\n' "${results[@]}" | python3 -c '
import sys
rows = {}
for line in sys.stdin:
    who, name, rps, p50, p99, bad = line.split()
    rows[name.split("-", 1)[1] + "/" + who] = (float(rps), p50, p99, int(bad))
print("| measure | Simpul req/s | p50 | p99 | oidc-provider req/s | p50 | p99 | ratio |")
print("|---|---|---|---|---|---|---|---|")
for m, label in [("cc", "client-credentials grants"), ("code", "code exchanges, RS256"), ("refresh", "refresh (rotating), RS256"),
                 ("code-es", "code exchanges, ES256"), ("refresh-es", "refresh (rotating), ES256"), ("userinfo", "userinfo"), ("signin", "password sign-ins")]:
    s, p = rows.get(m + "/simpul"), rows.get(m + "/peer")
    cell = lambda r: ("%.0f%s" % (r[0], " (%d non-2xx)" % r[3] if r[3] else ""), r[1], r[2]) if r else ("n/a", "", "")
    ratio = "%.2fx" % (s[0] / p[0]) if s and p and p[0] else "—"
    print("| %s | %s | %s | %s | %s | %s | %s | %s |" % ((label,) + cell(s) + cell(p) + (ratio,)))
'
echo "resident memory: Simpul ${s_idle} MB idle, ${s_load} MB after load; oidc-provider ${p_idle} MB idle, ${p_load} MB after load"
"$PWD/target/release/examples/argon2_rate"

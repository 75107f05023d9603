#!/usr/bin/env bash
# Authoritative DNS: Simpul beside NSD (Debian's), both serving the same zone of 10,000 names,
# RRL off for both, loaded with dnsperf in one run:
#   - "hot": ten names asked over and over (what CPU caches hold);
#   - "spread": every name of the zone in random order, one in ten not there (NXDOMAIN);
# queries/s and p50/p99 latency (from dnsperf's per-query report), and the ratio to NSD.
# Then the time from a record written through Simpul's API to NSD, as Simpul's secondary
# (TSIG key, NOTIFY), serving it.
# Usage: bench/dns/run.sh [seconds per run] [dnsperf clients]
# BENCH_BIN=path runs that binary instead of building this checkout.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}
clients=${2:-8}
need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
[ -x /usr/sbin/nsd ] || need+=(nsd)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v curl >/dev/null || need+=(curl)
command -v ldns-signzone >/dev/null || need+=(ldnsutils)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; fi
if [ -n "${BENCH_BIN:-}" ]; then bin=$BENCH_BIN; else cargo build --release -q; bin=$PWD/target/release/simpul; fi
out=bench/out/dns; rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work" || true' EXIT
apex=sukamajukab.go.id
simpul_dns=127.0.0.1:15353; nsd_port=15354; secondary_port=15355; http=127.0.0.1:18083
export SIMPUL_DATABASE_URL=sqlite://$work/simpul.db SIMPUL_DATA_DIR=$work
export SIMPUL_HTTP_ADDR=$http SIMPUL_PUBLIC_URL=http://$http
export SIMPUL_DNS_ADDR=$simpul_dns SIMPUL_DNS_RATE_LIMIT=0 SIMPUL_DNS_SECONDARIES=127.0.0.1:$secondary_port

# The demo region, then 10,000 more names imported as a Dinas would from its old zone.
"$bin" demo >/dev/null
python3 - "$work/big.zone" "$apex" <<'PY'
import sys
path, apex = sys.argv[1], sys.argv[2]
with open(path, "w") as f:
    f.write(f"$ORIGIN {apex}.\n$TTL 3600\n")
    for i in range(10000):
        f.write(f"host{i:05d}\tIN\tA\t10.{i // 65536}.{(i // 256) % 256}.{i % 256}\n")
PY
"$bin" dns import "$work/big.zone" | tail -1
"$bin" dns export >"$work/export.zone"
echo "zone: $(grep -c 'IN' "$work/export.zone") records"

# Query files.
python3 - "$work" "$apex" <<'PY'
import random, sys
work, apex = sys.argv[1], sys.argv[2]
random.seed(7)
with open(f"{work}/hot.txt", "w") as f:
    for i in range(10000):
        f.write(f"host{i % 10:05d}.{apex} A\n")
names = [f"host{i:05d}.{apex} A" for i in range(10000)] + [f"tidakada{i}.{apex} A" for i in range(1000)]
random.shuffle(names)
with open(f"{work}/spread.txt", "w") as f:
    f.write("\n".join(names) + "\n")
PY

# NSD serving the exported zone (one server process per core, as Simpul uses every core).
cat >"$work/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$nsd_port
    server-count: $(nproc)
    database: ""
    zonelistfile: "$work/zone.list"
    pidfile: "$work/nsd.pid"
    xfrdfile: "$work/xfrd.state"
    xfrdir: "$work"
    username: ""
    chroot: ""
    verbosity: 0
    hide-version: yes
    # Debian's NSD limits responses by default (RRL); off, as for Simpul. Minimal responses,
    # as Simpul gives (no NS in the authority section of every answer).
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    minimal-responses: yes
remote-control:
    control-enable: no
zone:
    name: "$apex"
    zonefile: "$work/export.zone"
CONF
/usr/sbin/nsd -d -c "$work/nsd.conf" 2>"$out/nsd.log" &
"$bin" serve 2>"$out/simpul.log" &
for _ in $(seq 50); do
  dig @127.0.0.1 -p 15353 +short "host00001.$apex" A 2>/dev/null | grep -q 10.0.0.1 \
    && dig @127.0.0.1 -p $nsd_port +short "host00001.$apex" A 2>/dev/null | grep -q 10.0.0.1 && break
  sleep 0.2
done

# queries/s, p50 and p99 (ms) of one dnsperf run (extra arguments go to dnsperf: -D asks
# for DNSSEC records).
perf() {
  local name=$1 port=$2 file=$3; shift 3
  dnsperf -s 127.0.0.1 -p "$port" -d "$file" -l "$secs" -c "$clients" -T 2 -q 200 -v "$@" >"$out/$name.txt" 2>&1 || true
  local qps; qps=$(awk '/Queries per second/ {printf "%.0f", $4}' "$out/$name.txt")
  local lost; lost=$(awk '/Queries lost/ {print $3}' "$out/$name.txt")
  local lat; lat=$(awk '$1==">" {print $NF*1000}' "$out/$name.txt" | sort -n | awk '{a[NR]=$1} END {printf "%.2f ms / %.2f ms", a[int(NR*0.5)], a[int(NR*0.99)]}')
  echo "$qps $lost $lat"
}

echo
echo "| load | Simpul q/s | NSD q/s | ratio | Simpul p50 / p99 | NSD p50 / p99 | lost (Simpul, NSD) |"
echo "|---|---:|---:|---:|---|---|---|"
for load in hot spread; do
  read -r s_qps s_lost s_lat < <(perf "simpul-$load" 15353 "$work/$load.txt")
  read -r n_qps n_lost n_lat < <(perf "nsd-$load" $nsd_port "$work/$load.txt")
  ratio=$(python3 -c "print(f'{$s_qps / $n_qps:.2f}×')")
  echo "| $load | $s_qps | $n_qps | $ratio | $s_lat | $n_lat | $s_lost, $n_lost |"
done

# A change, to NSD as Simpul's secondary serving it.
key=$("$bin" admin create-token --login admin)
secret=$(curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"name":"bench-nsd"}' "http://$http/api/v1/dns/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
cat >"$work/secondary.conf" <<CONF
server:
    ip-address: 127.0.0.1@$secondary_port
    server-count: 1
    database: ""
    zonelistfile: "$work/zone2.list"
    pidfile: "$work/nsd2.pid"
    xfrdfile: "$work/xfrd2.state"
    xfrdir: "$work"
    username: ""
    chroot: ""
    verbosity: 1
    rrl-ratelimit: 0
remote-control:
    control-enable: no
key:
    name: "bench-nsd"
    algorithm: hmac-sha256
    secret: "$secret"
zone:
    name: "$apex"
    zonefile: "$work/secondary.zone"
    allow-notify: 127.0.0.1 bench-nsd
    request-xfr: 127.0.0.1@15353 bench-nsd
CONF
/usr/sbin/nsd -d -c "$work/secondary.conf" 2>"$out/nsd-secondary.log" &
for _ in $(seq 100); do
  dig @127.0.0.1 -p $secondary_port +short "host00001.$apex" A 2>/dev/null | grep -q 10.0.0.1 && break
  sleep 0.2
done
agency=$(curl -fsS -H "Authorization: Bearer $key" "http://$http/api/v1/agencies?q=DISKOMINFO" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
times=()
for i in 1 2 3 4 5; do
  start=$(date +%s.%N)
  curl -fsS -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"agency_id\":\"$agency\",\"name\":\"baru$i\",\"rtype\":\"A\",\"value\":\"203.0.113.$i\",\"basis\":\"bench\"}" \
    "http://$http/api/v1/dns/records"
  until dig @127.0.0.1 -p $secondary_port +short "baru$i.$apex" A | grep -q "203.0.113.$i"; do sleep 0.02; done
  times+=("$(python3 -c "import time; print(round(($(date +%s.%N) - $start) * 1000))")")
  sleep 1
done
echo
echo "change to the secondary (NSD) serving it, 5 changes: ${times[*]} ms"

# Signed (DNSSEC): Simpul signs online when the Dinas switches it on; NSD serves the same
# zone signed beforehand by ldns-signzone with ECDSA P-256 keys and NSEC, as a Dinas without
# Simpul would. Queries ask for DNSSEC records (DO), so answers carry signatures and proofs.
settings=$(curl -fsS -H "Authorization: Bearer $key" "http://$http/api/v1/dns/settings")
body=$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print(json.dumps({"name_servers": "\n".join(s["name_servers"]), "hostmaster": "hostmaster@'"$apex"'", "refresh": str(s["refresh"]), "retry": str(s["retry"]), "expire": str(s["expire"]), "minimum": str(s["minimum"]), "dnssec": True}))' "$settings")
start=$(date +%s.%N)
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" "http://$http/api/v1/dns/settings"
until dig @127.0.0.1 -p 15353 +dnssec "host09999.$apex" A | grep -q RRSIG; do sleep 0.05; done
sign_ms=$(python3 -c "import time; print(round(($(date +%s.%N) - $start) * 1000))")
"$bin" dns export >"$work/export2.zone"
(cd "$work" && ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$apex") && zsk=$(ldns-keygen -a ECDSAP256SHA256 "$apex") \
  && ldns-signzone -o "$apex" -f "$work/signed.zone" "$work/export2.zone" "$ksk" "$zsk")
sed -e "s/@$nsd_port/@15356/" -e "s|$work/export.zone|$work/signed.zone|" -e "s|$work/nsd.pid|$work/nsd3.pid|" \
  -e "s|$work/xfrd.state|$work/xfrd3.state|" -e "s|$work/zone.list|$work/zone3.list|" "$work/nsd.conf" >"$work/nsd3.conf"
/usr/sbin/nsd -d -c "$work/nsd3.conf" 2>"$out/nsd-signed.log" &
until dig @127.0.0.1 -p 15356 +dnssec "host00001.$apex" A 2>/dev/null | grep -q RRSIG; do sleep 0.2; done
echo
echo "signed: the zone's $(grep -c 'IN' "$work/export2.zone") records signed and served ${sign_ms} ms after DNSSEC was switched on"
echo
echo "| load (DO) | Simpul q/s | NSD q/s | ratio | Simpul p50 / p99 | NSD p50 / p99 | lost (Simpul, NSD) |"
echo "|---|---:|---:|---:|---|---|---|"
for load in hot spread; do
  read -r s_qps s_lost s_lat < <(perf "simpul-signed-$load" 15353 "$work/$load.txt" -D)
  read -r n_qps n_lost n_lat < <(perf "nsd-signed-$load" 15356 "$work/$load.txt" -D)
  ratio=$(python3 -c "print(f'{$s_qps / $n_qps:.2f}×')")
  echo "| $load | $s_qps | $n_qps | $ratio | $s_lat | $n_lat | $s_lost, $n_lost |"
done
times=()
for i in 6 7 8 9 10; do
  start=$(date +%s.%N)
  curl -fsS -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"agency_id\":\"$agency\",\"name\":\"baru$i\",\"rtype\":\"A\",\"value\":\"203.0.113.$i\",\"basis\":\"bench\"}" \
    "http://$http/api/v1/dns/records"
  # The address and its signature (a "no such name" before it carries signatures too).
  until out=$(dig @127.0.0.1 -p $secondary_port +dnssec +short "baru$i.$apex" A) \
    && grep -qx "203.0.113.$i" <<<"$out" && grep -q "^A 13 " <<<"$out"; do sleep 0.02; done
  times+=("$(python3 -c "import time; print(round(($(date +%s.%N) - $start) * 1000))")")
  sleep 1
done
echo
echo "signed change to the secondary (NSD) serving it signed, 5 changes: ${times[*]} ms"

#!/usr/bin/env bash
# The portal's server speed (issue 8): wrk on loopback against the release server with a
# registry of 10^6 enterprises and ~20,000 published results; prints a markdown table.
#
#   scripts/bench-portal.sh        (or `make bench-portal`)
#
# Builds what is missing (`cargo build --release -p server`, scripts/build-verifier.sh),
# creates the database once and keeps it (its path is printed; delete it to start over):
# `shuangsui demo --enterprises 1000000`, then scripts/bench_portal_data.py adds 40
# published synthetic tasks of 500 results each. Starts the server on a free port, runs
# each case, stops the server.
#
# Env: SHUANGSUI_BIN (a binary to measure instead of building target/release/shuangsui),
#      PORTAL_BENCH_DB (default $CARGO_TARGET_DIR/bench/portal-1m.db),
#      PORTAL_BENCH_PG (a postgres:// URL: serve a copy of that data from PostgreSQL),
#      BENCH_DURATION (wrk seconds per case, default 20), BENCH_CONNECTIONS (default 25),
#      BENCH_MAX_LOAD (wait until the 1-minute load is below it, default 1.5),
#      BENCH_MAX_WAIT (give up waiting after this many seconds and run anyway, default 900).
# Slow figures are reported, never fatal; a failed build, start or non-2xx answer is.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
bin=${SHUANGSUI_BIN:-$CARGO_TARGET_DIR/release/shuangsui}
db=${PORTAL_BENCH_DB:-$CARGO_TARGET_DIR/bench/portal-1m.db}
duration=${BENCH_DURATION:-20}
conns=${BENCH_CONNECTIONS:-25}
max_load=${BENCH_MAX_LOAD:-1.5}
max_wait=${BENCH_MAX_WAIT:-900}
log() { echo "bench-portal: $*" >&2; }
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

command -v wrk >/dev/null || { log "wrk is missing (apt-get install wrk)"; exit 1; }
command -v python3 >/dev/null || { log "python3 is missing"; exit 1; }

build_server

# --- The database: 10^6 enterprises plus the synthetic results, made once ---------------------
mkdir -p "$(dirname "$db")"
if [ ! -s "$db" ]; then
  log "creating $db: demo data plus 10^6 synthetic enterprises (a few minutes)"
  rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
  "$bin" demo --enterprises 1000000 --db "sqlite://$db.tmp" >&2
  python3 scripts/bench_portal_data.py "$db.tmp" >&2
  python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$db.tmp"
  rm -f "$db.tmp-wal" "$db.tmp-shm"
  mv "$db.tmp" "$db"
else
  python3 scripts/bench_portal_data.py "$db" >&2   # idempotent: adds the results if missing
fi
log "database: $db"

# PORTAL_BENCH_PG=postgres://…: the same data, copied once into that PostgreSQL database
# (`shuangsui copy-db`), is what the server reads.
serve_url="sqlite://$db"
if [ -n "${PORTAL_BENCH_PG:-}" ]; then
  if "$bin" copy-db --from "sqlite://$db" --to "$PORTAL_BENCH_PG" >"$out/copy.out" 2>"$out/copy.err"; then
    log "copied into PostgreSQL: $(tail -n 1 "$out/copy.out")"
  elif grep -q "empty database" "$out/copy.err"; then
    log "using the earlier copy in PostgreSQL"
  else
    cat "$out/copy.err" >&2
    exit 1
  fi
  serve_url=$PORTAL_BENCH_PG
fi

# --- The query terms, read from the data (so they stay right if the demo changes) ------------
# A name fragment matching a few results: region, trade name and kind of one published
# synthetic result (e.g. 邯郸市丛台区宏达石油); a credit-code prefix of 14 characters of
# another; a name that matches nothing.
read -r name_q code_q < <(python3 - "$db" <<'EOF'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
name, = db.execute(
    "SELECT e.name FROM inspection_results r JOIN enterprises e ON e.id = r.enterprise_id "
    "WHERE r.published_at IS NOT NULL ORDER BY r.id LIMIT 1 OFFSET 7777").fetchone()
code, = db.execute(
    "SELECT e.credit_code FROM inspection_results r JOIN enterprises e ON e.id = r.enterprise_id "
    "WHERE r.published_at IS NOT NULL ORDER BY r.id LIMIT 1 OFFSET 12345").fetchone()
# "邯郸市<区县><字号><类型>…（演示N）" → without the serial and the company form.
base = re.sub(r"（演示\d+）$", "", name)
print(base[:-4] if len(base) > 12 else base, code[:14])
EOF
)
none_q="不存在的企业名称"
# 1,000 different searches as the public would type them, made from the published results
# with a fixed seed: name fragments of 2-6 characters from anywhere in a name, credit codes
# whole or cut to 6-17 characters (some in lower case), and a few names that match
# nothing. The mixed case asks them in turn, so no answer is served twice in a row.
mixed_paths=$(mktemp)
cleanup+=("$mixed_paths")
python3 - "$db" >"$mixed_paths" <<'EOF'
import random, sqlite3, sys, urllib.parse
db = sqlite3.connect(sys.argv[1])
rows = db.execute(
    "SELECT e.name, e.credit_code FROM inspection_results r JOIN enterprises e ON e.id = r.enterprise_id "
    "WHERE r.published_at IS NOT NULL ORDER BY r.id").fetchall()
rng = random.Random(20261128)
for i in range(1000):
    name, code = rng.choice(rows)
    kind = i % 10
    if kind < 6:
        n = rng.randint(2, 6)
        start = rng.randint(0, max(0, len(name) - n))
        q = name[start:start + n]
    elif kind < 9:
        q = code[:rng.randint(6, 18)]
        q = q.lower() if kind == 8 else q
    else:
        q = f"无此企业{i}"
    print("/public/results?q=" + urllib.parse.quote(q))
EOF
# wrk asks them in turn; each thread starts at its own place in the list.
lua=$(mktemp --suffix .lua)
cleanup+=("$lua")
cat >"$lua" <<'EOF'
local paths = {}
local n = 0
threads = {}
setup = function(thread) thread:set("id", #threads); table.insert(threads, thread) end
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  n = (id or 0) * 500
end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
EOF

# --- The server -----------------------------------------------------------------------------------
start_server

urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
# How many results a search page reports ("找到 N 条已公示结果"; 0 when none).
found() {
  local n
  n=$(curl -fsS "$base/public/results?q=$(urlencode "$1")" | sed -n 's/.*找到 \([0-9]*\) 条已公示结果.*/\1/p' | head -n 1)
  echo "${n:-0}"
}


# wrk's latency lines read e.g. "     99%   12.34ms": print the value in ms.
in_ms() {
  awk -v p="$1" '$1 == p { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1;
    printf "%.2f", v * f }'
}

# utime + stime of the server, in clock ticks.
server_cpu() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }

rows=()
# run_case LABEL PATH SHOWN MATCHES [extra wrk arguments], SHOWN being the path as the table
# shows it. wrk's --timeout is 10 s (not its 2 s default, whose timed-out requests would be
# left out of the latency figures).
run_case() {
  local label=$1 path=$2 shown=$3 matches=$4
  shift 4
  curl -fsS -o /dev/null "$base$path" || { log "$label: $path does not answer 200"; exit 1; }
  wrk -t2 -c"$conns" -d3s --timeout 10s "$base$path" "$@" >/dev/null   # warm-up
  wait_for_quiet
  local load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  log "$label: wrk -t2 -c$conns -d${duration}s --latency $* $path (load $load)"
  local cpu0 cpu1
  cpu0=$(server_cpu)
  wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s --latency "$base$path" "$@" >"$out/wrk.txt"
  cpu1=$(server_cpu)
  cat "$out/wrk.txt" >&2
  if grep -q 'Non-2xx or 3xx responses' "$out/wrk.txt"; then log "$label: errors"; exit 1; fi
  local rps p50 p90 p99 timeouts
  rps=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$out/wrk.txt")
  p50=$(in_ms 50% <"$out/wrk.txt")
  p90=$(in_ms 90% <"$out/wrk.txt")
  p99=$(in_ms 99% <"$out/wrk.txt")
  timeouts=$(sed -n 's/.*timeout \([0-9]*\).*/\1/p' "$out/wrk.txt")
  # The server's own CPU time per request: what the page costs, whatever else runs.
  local cpu_ms
  cpu_ms=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$(getconf CLK_TCK)" \
    -v n="$(awk '/requests in/ { print $1 }' "$out/wrk.txt")" 'BEGIN { printf "%.3f", (b - a) * 1000 / t / n }')
  rows+=("| $label | \`${shown}\` | $matches | $rps | $p50 | $p90 | $p99 | ${timeouts:-0} | $cpu_ms | $load |")
}

enterprises=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM enterprises").fetchone()[0])' "$db")
results=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM inspection_results WHERE published_at IS NOT NULL").fetchone()[0])' "$db")

search() { echo "/public/results?q=$(urlencode "$1")"; }
run_case "search by name fragment" "$(search "$name_q")" "/public/results?q=$name_q" "$(found "$name_q")"
run_case "search by code prefix" "$(search "$code_q")" "/public/results?q=$code_q" "$(found "$code_q")"
run_case "search matching nothing" "$(search "$none_q")" "/public/results?q=$none_q" "$(found "$none_q")"
run_case "1,000 different searches in turn" "$(head -n 1 "$mixed_paths")" "(see above: names, codes, prefixes)" "—" \
  -s "$lua" -- "$mixed_paths"
run_case "home page" "/public" "/public" "—"
# As a browser asks (the server compresses pages on the fly).
run_case "search by name fragment, compressed" "$(search "$name_q")" "/public/results?q=$name_q" "$(found "$name_q")" \
  -H "Accept-Encoding: gzip, deflate, br"

echo
echo "Portal, release build, ${serve_url%%:*} database, wrk -t2 -c$conns -d${duration}s --latency on loopback, $enterprises enterprises, $results published results"
echo "($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'); load = 1/5/15-min load average just before each run; goal: search p99 ≤ 20 ms and ≥ 2,000 requests/s):"
echo
echo "| case | request | results found | requests/s | p50 ms | p90 ms | p99 ms | timeouts (10 s) | server CPU ms/request | load |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "name fragment: $name_q; code prefix: $code_q; database: ${serve_url%%\?*}"

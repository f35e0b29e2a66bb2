#!/usr/bin/env bash
# Lighthouse on the portal (issue 8): mobile defaults (Moto G Power emulation, simulated
# slow 4G, 4x CPU slowdown), performance and accessibility, each page LH_RUNS times
# (default 3); prints a markdown table of the medians and the failed accessibility audits.
#
#   scripts/lighthouse.sh        (or `make lighthouse`)
#
# Installs npm lighthouse 12.8.2 into .tools/ if missing (13.x needs Node 22; this machine
# has Node 20), builds what is missing (`cargo build --release -p server`,
# scripts/build-verifier.sh), creates the demo database once (target/bench/portal-demo.db),
# starts the release server on a free port, runs Debian's chromium headless, stops the
# server. The JSON reports stay in target/lighthouse/.
# Env: SHUANGSUI_BIN (a binary to measure instead of building target/release/shuangsui),
#      CHROME_PATH (default /usr/bin/chromium), LH_RUNS (default 3),
#      BENCH_MAX_LOAD / BENCH_MAX_WAIT as in scripts/bench-portal.sh (default 1.5 / 900 s).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
LIGHTHOUSE_VERSION=12.8.2
bin=${SHUANGSUI_BIN:-$CARGO_TARGET_DIR/release/shuangsui}
db=$CARGO_TARGET_DIR/bench/portal-demo.db
reports=$CARGO_TARGET_DIR/lighthouse
runs=${LH_RUNS:-3}
max_load=${BENCH_MAX_LOAD:-1.5}
max_wait=${BENCH_MAX_WAIT:-900}
log() { echo "lighthouse: $*" >&2; }
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

[ -x "$CHROME_PATH" ] || { log "$CHROME_PATH is missing (apt-get install chromium)"; exit 1; }
if ! [ -x .tools/node_modules/.bin/lighthouse ] || [ "$(.tools/node_modules/.bin/lighthouse --version)" != "$LIGHTHOUSE_VERSION" ]; then
  log "installing lighthouse@$LIGHTHOUSE_VERSION into .tools/"
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools "lighthouse@$LIGHTHOUSE_VERSION"
fi

build_server
# The favicon the portal's pages link to (scripts/build-site.sh copies it too).
[ -s target/site/favicon.svg ] || cp public/favicon.svg target/site/

mkdir -p "$(dirname "$db")" "$reports"
if [ ! -s "$db" ]; then
  log "creating the demo database $db"
  rm -f "$db-wal" "$db-shm"
  "$bin" demo --enterprises 0 --db "sqlite://$db" >&2
fi

# A part of a published enterprise's name, as someone would type it (no 邯郸市, no suffix).
q=$(python3 - "$db" <<'EOF'
import sqlite3, sys
name, = sqlite3.connect(sys.argv[1]).execute(
    "SELECT e.name FROM inspection_results r JOIN enterprises e ON e.id = r.enterprise_id "
    "WHERE r.published_at IS NOT NULL ORDER BY e.credit_code LIMIT 1").fetchone()
print(name[3:9])
EOF
)
q_url=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")

start_server

pages=(
  "home|/public"
  "draw (task 4)|/public/tasks/4/draw"
  "year page (2022, charts)|/public/plans/2022"
  "results search|/public/results?q=$q_url"
)
for entry in "${pages[@]}"; do
  curl -fsS -o /dev/null "$base${entry#*|}" || { log "${entry#*|} does not answer 200"; exit 1; }
done
curl -fsS "$base/public/results?q=$q_url" | grep -q '找到 [1-9]' || { log "the search for $q finds nothing"; exit 1; }


flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
args=()
loads=()
i=0
for entry in "${pages[@]}"; do
  label=${entry%%|*}
  path=${entry#*|}
  files=()
  wait_for_quiet
  loads+=("- $label: $(cut -d' ' -f1-3 /proc/loadavg)")
  for run in $(seq 1 "$runs"); do
    file="$reports/page$i-run$run.json"
    log "$label, run $run: lighthouse $path (load $(cut -d' ' -f1-3 /proc/loadavg))"
    lighthouse "$base$path" --quiet --chrome-flags="$flags" --only-categories=performance,accessibility \
      --output=json --output-path="$file"
    files+=("$file")
  done
  args+=("$label=$(IFS=,; echo "${files[*]}")")
  i=$((i + 1))
done

echo
node scripts/lighthouse-summary.mjs "${args[@]}"
echo
echo "Load (1/5/15 min) before each page's runs ($(nproc) cores):"
printf '%s\n' "${loads[@]}"
echo
echo "Pages: /public, /public/tasks/4/draw, /public/plans/2022, /public/results?q=$q; reports: $reports/"

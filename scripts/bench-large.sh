#!/usr/bin/env bash
# Benches on a registry of 10^6 enterprises, on SQLite and on PostgreSQL:
#   scripts/bench-large.sh task    (make bench-task)   a province-size task end to end:
#                                  freeze, draw, the public pages (`shuangsui bench-task`)
#   scripts/bench-large.sh staff   (make bench-staff)  50 staff at once for a minute
#                                  (`shuangsui bench-staff`), lost/duplicated writes counted
# Prints each backend's markdown table on stdout.
#
# The registry is made once and kept: `shuangsui demo --enterprises 1000000` into
# $CARGO_TARGET_DIR/bench/registry-1m.db (a few minutes). Each run works on a copy (the
# benches change what they are given): a file copy for SQLite; for PostgreSQL a fresh
# database filled by `shuangsui copy-db`, dropped afterwards.
#
# Env: SHUANGSUI_BIN (measure that binary instead of building target/release/shuangsui),
#      BENCH_ENTERPRISES (default 1000000), BENCH_BACKENDS (default "sqlite postgres"),
#      SHUANGSUI_TEST_PG (the PostgreSQL server, default the one `scripts/setup.sh test` starts),
#      BENCH_RUNS (bench-task runs, default 5), BENCH_CLIENTS (default 50), BENCH_SECONDS (default 60),
#      BENCH_MAX_LOAD (wait until the 1-minute load is below it, default 1.5), BENCH_MAX_WAIT (default 600).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
kind=${1:?usage: scripts/bench-large.sh task|staff}
bin=${SHUANGSUI_BIN:-$CARGO_TARGET_DIR/release/shuangsui}
n=${BENCH_ENTERPRISES:-1000000}
registry=$CARGO_TARGET_DIR/bench/registry-$n.db
pg=${SHUANGSUI_TEST_PG:-postgres://shuangsui:shuangsui@127.0.0.1:5432/postgres}
max_load=${BENCH_MAX_LOAD:-1.5}
max_wait=${BENCH_MAX_WAIT:-600}
log() { echo "bench-$kind: $*" >&2; }
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

case "$kind" in
  task) args=(bench-task --runs "${BENCH_RUNS:-5}") ;;
  staff) args=(bench-staff --clients "${BENCH_CLIENTS:-50}" --seconds "${BENCH_SECONDS:-60}") ;;
  *) log "unknown bench $kind (task or staff)"; exit 2 ;;
esac

if [ -z "${SHUANGSUI_BIN:-}" ]; then
  log "building the release binary (cargo build --release -p server)"
  cargo build --release --quiet -p server --bin shuangsui
fi

mkdir -p "$(dirname "$registry")"
if [ ! -s "$registry" ]; then
  log "creating $registry: the demo bureau and $n synthetic enterprises (a few minutes, once)"
  rm -f "$registry.tmp"*
  RUST_LOG=warn,sqlx=error "$bin" demo --enterprises "$n" --db "sqlite://$registry.tmp" >&2
  python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$registry.tmp"
  rm -f "$registry.tmp-wal" "$registry.tmp-shm"
  mv "$registry.tmp" "$registry"
fi

status=0
for backend in ${BENCH_BACKENDS:-sqlite postgres}; do
  case "$backend" in
    sqlite)
      copy="$out/copy.db"
      cp "$registry" "$copy"
      url="sqlite://$copy"
      ;;
    postgres)
      name="shuangsui_bench_$$"
      url="${pg%/*}/$name"
      log "copying the registry into PostgreSQL database $name (shuangsui copy-db; a few minutes)"
      RUST_LOG=warn,sqlx=error "$bin" copy-db --from "sqlite://$registry" --to "$url" >&2
      cleanup_pg() { psql "$pg" -qc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true; }
      trap 'cleanup_pg; stop' EXIT
      ;;
    *) log "unknown backend $backend"; exit 2 ;;
  esac
  wait_for_quiet
  log "$backend: ${args[*]}"
  RUST_LOG=warn,sqlx=error "$bin" "${args[@]}" --db "$url" || status=$?
  echo
  [ "$backend" = sqlite ] && rm -f "$copy" "$copy-wal" "$copy-shm"
  [ "$backend" = postgres ] && cleanup_pg
done
exit "$status"

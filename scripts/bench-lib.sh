# Shared by scripts/bench-portal.sh and scripts/lighthouse.sh (sourced, not run): start the
# release server on a free port and wait for a quiet machine. Expects `bin`, `db`,
# `max_load`, `max_wait` and a `log` function; sets `out` (a temporary directory, removed
# on exit with anything listed in `cleanup`), `server_pid` and `base`.

out=$(mktemp -d)
server_pid=""
cleanup=()
stop() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$out" "${cleanup[@]}"
}
trap stop EXIT

# build_server: builds the release server (unless SHUANGSUI_BIN names one) and the verifier
# when missing.
build_server() {
  if [ -z "${SHUANGSUI_BIN:-}" ]; then
    log "building the release server (cargo build --release -p server)"
    cargo build --release --quiet -p server
  fi
  if [ ! -s target/site/pkg/verifier.wasm ]; then
    log "building the verifier (scripts/build-verifier.sh)"
    scripts/build-verifier.sh >&2
  fi
}

# start_server: serves $serve_url (default: the SQLite file $db; no demo data added) and
# sets `base` to its address.
start_server() {
  RUST_LOG=warn "$bin" serve --addr 127.0.0.1:0 --db "${serve_url:-sqlite://$db}" --site-root target/site --no-demo \
    >"$out/server.out" 2>"$out/server.err" &
  server_pid=$!
  for _ in $(seq 1 300); do
    grep -q '^listening on ' "$out/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.err" >&2; log "the server did not start"; exit 1; }
    sleep 0.1
  done
  base=$(sed -n 's/^listening on //p' "$out/server.out" | head -n 1)
  [ -n "$base" ] || { log "the server did not print its address"; exit 1; }
  log "server at $base"
}

# wait_for_quiet: waits (up to max_wait seconds) until the 1-minute load is below max_load.
wait_for_quiet() {
  local waited=0
  while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$max_load" 'BEGIN { exit !(l >= m) }'; do
    if [ "$waited" -ge "$max_wait" ]; then
      log "load still $(cut -d' ' -f1-3 /proc/loadavg) after ${max_wait}s: measuring anyway"
      return
    fi
    [ "$waited" = 0 ] && log "waiting for the load ($(cut -d' ' -f1-3 /proc/loadavg)) to fall below $max_load"
    sleep 15
    waited=$((waited + 15))
  done
}

#!/usr/bin/env bash
# The Rust tests (`make test-rust`): every package's tests, the integration suite on a fresh
# SQLite file per test, and beside them the integration suite again on PostgreSQL, each test
# on a database of its own (SHUANGSUI_TEST_PG names the server; the Makefile sets it).
#
# The two integration runs go side by side because each leaves a core idle about a third of
# its time (its tests wait on the servers they start, on fsync, on the clock): measured in a
# cold `.ci/run` on the 2-core machine, 156 s and 180 s one after the other. The PostgreSQL
# run is the test binary itself, started from the server package's directory as cargo
# starts it, so that it does not wait on cargo's lock; its output is kept in a file and
# printed whole when it ends. Either run failing fails this script, after both have ended.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(-p dr1 -p verifier -p app -p server)

# Build everything once; the same packages each time, so cargo reuses the build (one package
# alone would unify features differently and rebuild app and server).
api=$(cargo test "${packages[@]}" --no-run --message-format=json-render-diagnostics | python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "api" \
            and message.get("executable"):
        print(message["executable"])')
[ -x "$api" ] || { echo "test-rust: no integration test binary found" >&2; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
(cd server && SHUANGSUI_TEST_DB=postgres "$api") >"$log" 2>&1 &
postgres=$!

sqlite_status=0
cargo test "${packages[@]}" || sqlite_status=$?
postgres_status=0
wait "$postgres" || postgres_status=$?

echo
echo "── the integration suite again, on PostgreSQL (ran beside the above) ──"
cat "$log"
if [ "$sqlite_status" != 0 ] || [ "$postgres_status" != 0 ]; then
  echo "test-rust: failed (SQLite and unit tests: exit $sqlite_status; PostgreSQL: exit $postgres_status)" >&2
  exit 1
fi

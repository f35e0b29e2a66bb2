#!/usr/bin/env bash
# `make build`: the site bundle (scripts/build-site.sh) and the release server, which embeds
# it, into the one self-contained binary $CARGO_TARGET_DIR/release/shuangsui.
#
# The two go side by side, because neither keeps both cores busy alone: each ends in the
# `app` crate compiling with little else to do (in the WASM, one codegen unit). Measured on
# an empty target/ on the 2-core machine, back to back: one after the other 792 s, the site
# using 1.54 cores on average and the server 1.85; side by side 739 s, using 1.94. First the
# server's package and everything under it build beside the site (different profile
# directories, so the two cargo runs do not wait on each other's lock); then, once the site
# is there, cargo embeds it: the build script runs again because the site changed, and only
# the `server` package compiles again (its library and binary, 18 s).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$PWD/.tools/node_modules/.bin:$PATH:$HOME/.cargo/bin"

scripts/build-site.sh &
site=$!
SHUANGSUI_SITE_PENDING=1 cargo build --release -p server --lib &
server=$!
# Both are waited for, so that neither is left running when the other fails.
site_status=0 server_status=0
wait "$site" || site_status=$?
wait "$server" || server_status=$?
if [ "$site_status" != 0 ] || [ "$server_status" != 0 ]; then
  echo "build: failed (site: exit $site_status; server: exit $server_status)" >&2
  exit 1
fi
cargo build --release -p server --bin shuangsui

#!/usr/bin/env bash
# `make build` (and so `make run`): the tools a build needs, the site, and the release
# server with the site embedded, in as little time as a machine of two cores allows.
#
# The tools first (`scripts/setup.sh run`: `cargo install` holds cargo's package cache
# lock while it compiles, so nothing else can build meanwhile). Then the release server
# (its dependencies, then the large `app` crate, mostly on one core) and the site
# (`scripts/build-site.sh`, a profile of its own, so no cargo lock is shared) build side
# by side; the server's build script waits for the site (the marker file named by
# SHUANGSUI_SITE_PENDING, removed when the site is done or has failed) and embeds it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.cargo/bin"
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target"
marker=$(cd "$target" && pwd)/site.pending
touch "$marker"
server=
cleanup() {
  rm -f "$marker"
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
}
trap cleanup EXIT

scripts/setup.sh run
SHUANGSUI_SITE_PENDING=$marker cargo build --release -p server --bin shuangsui &
server=$!
site=0
scripts/build-site.sh || site=$?
rm -f "$marker"
status=0
wait "$server" || status=$?
server=
if [ "$site" != 0 ]; then
  echo "build: the site did not build (exit $site); see above" >&2
  exit 1
fi
if [ "$status" != 0 ]; then
  echo "build: the server did not build (exit $status); see above" >&2
  exit 1
fi
echo "build: $target/release/shuangsui (the site embedded)"

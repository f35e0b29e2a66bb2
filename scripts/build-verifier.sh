#!/usr/bin/env bash
# Builds the portal's verifier (crate `verifier`: DR1 only, no bindings) into
# $CARGO_TARGET_DIR/site/pkg/verifier.wasm (target/site) with its .gz and .br copies
# (not with --no-compress: scripts/build-site.sh compresses the whole site at once). The
# server serves it as /pkg/verifier.wasm?v=<hash> with a one-year cache.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH:$HOME/.cargo/bin"
profile=${WASM_PROFILE:-wasm-release}
target=${CARGO_TARGET_DIR:-target}
site=$target/site
cargo build --quiet -p verifier --lib --target wasm32-unknown-unknown --profile "$profile"
mkdir -p "$site/pkg"
out="$site/pkg/verifier.wasm"
if command -v wasm-opt >/dev/null; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$target/wasm32-unknown-unknown/$profile/verifier.wasm" -o "$out"
else
  cp "$target/wasm32-unknown-unknown/$profile/verifier.wasm" "$out"
fi
if [ "${1:-}" != --no-compress ]; then
  node scripts/compress.mjs "$out"
  echo "verifier.wasm: $(stat -c %s "$out") bytes, gzip $(stat -c %s "$out.gz"), brotli $(stat -c %s "$out.br")"
fi

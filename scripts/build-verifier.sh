#!/usr/bin/env bash
# Builds the portal's verifier (crate `verifier`: DR1 only, no bindings) into
# target/site/pkg/verifier.wasm with its .gz and .br copies. The server serves it as
# /pkg/verifier.wasm?v=<hash> with a one-year cache; `make build` and
# scripts/build-site.sh both call this.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
profile=${WASM_PROFILE:-wasm-release}
site=target/site
cargo build --quiet -p verifier --lib --target wasm32-unknown-unknown --profile "$profile"
mkdir -p "$site/pkg"
out="$site/pkg/verifier.wasm"
if command -v wasm-opt >/dev/null; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "target/wasm32-unknown-unknown/$profile/verifier.wasm" -o "$out"
else
  cp "target/wasm32-unknown-unknown/$profile/verifier.wasm" "$out"
fi
gzip -9 -k -f "$out"
if command -v brotli >/dev/null; then brotli -f -q 11 -k "$out"; fi
echo "verifier.wasm: $(stat -c %s "$out") bytes, gzip $(stat -c %s "$out.gz")$( [ -f "$out.br" ] && echo ", brotli $(stat -c %s "$out.br")")"

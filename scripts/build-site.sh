#!/usr/bin/env bash
# Builds the browser bundle into target/site without cargo-leptos (the test path):
# WASM with the size-tuned profile, wasm-bindgen, wasm-opt when present, and the CSS.
# cargo-leptos (`make run`) produces the same layout.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
profile=${WASM_PROFILE:-wasm-release}
site=target/site
cargo build --quiet -p frontend --lib --target wasm32-unknown-unknown --profile "$profile"
mkdir -p "$site/pkg"
wasm-bindgen "target/wasm32-unknown-unknown/$profile/frontend.wasm" \
  --target web --no-typescript --out-dir "$site/pkg" --out-name shuangsui
if command -v wasm-opt >/dev/null; then
  # Rust's wasm32 target emits these post-MVP features; wasm-opt must be told.
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$site/pkg/shuangsui_bg.wasm" -o "$site/pkg/shuangsui_bg.wasm"
fi
cp style/main.css "$site/pkg/shuangsui.css"
if [ -d public ] && [ -n "$(ls -A public)" ]; then cp -r public/. "$site/"; fi
# Pre-compressed copies for the static file server.
for f in "$site"/pkg/*.{wasm,js,css}; do
  gzip -9 -k -f "$f"
  if command -v brotli >/dev/null; then brotli -f -q 11 -k "$f"; fi
done
scripts/build-verifier.sh
ls -l "$site/pkg"

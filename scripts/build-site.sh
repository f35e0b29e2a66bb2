#!/usr/bin/env bash
# Builds the browser bundle into $CARGO_TARGET_DIR/site (target/site), as `make run` and
# `make test` both do, without cargo-leptos: the app's WASM and the verifier's with the
# size-tuned profile, wasm-bindgen, wasm-opt when present, the CSS, the public files, and
# their .br and .gz twins. The server's build (server/build.rs) embeds what is there, so
# build the site first. cargo-leptos (`make dev`) writes the same layout.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH:$HOME/.cargo/bin"
profile=${WASM_PROFILE:-wasm-release}
target=${CARGO_TARGET_DIR:-target}
site=$target/site
WASM_BINDGEN_VERSION=0.2.130     # must equal wasm-bindgen in Cargo.lock

# A missing wasm-bindgen-cli is compiled beside the WASM build, which leaves a core idle
# for much of its time (one crate's front end at a time): about a minute and a half less
# than one after the other on two cores. Only the `wasm-bindgen` binary, and without the
# test runner's TLS (rustls and ring compile for a minute and serve only downloads the
# build never makes). --locked fails for this crate.
bindgen=
if ! command -v wasm-bindgen >/dev/null || ! wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION"; then
  echo "[site] installing wasm-bindgen-cli $WASM_BINDGEN_VERSION beside the WASM build (~2 min)"
  cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --no-default-features \
    --bin wasm-bindgen --force &
  bindgen=$!
fi
# Both crates in one cargo run, so they build side by side.
cargo build --quiet -p frontend -p verifier --lib --target wasm32-unknown-unknown --profile "$profile"
if [ -n "$bindgen" ]; then
  wait "$bindgen"
  if ! wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION"; then
    echo "site: $(command -v wasm-bindgen) is $(wasm-bindgen --version), not $WASM_BINDGEN_VERSION, and comes" \
      "before ~/.cargo/bin on PATH: remove it or put ~/.cargo/bin first" >&2
    exit 1
  fi
fi
mkdir -p "$site/pkg"
wasm-bindgen "$target/wasm32-unknown-unknown/$profile/frontend.wasm" \
  --target web --no-typescript --out-dir "$site/pkg" --out-name shuangsui
# The verifier's wasm-opt runs beside the app's (the longest step here).
scripts/build-verifier.sh --no-compress &
verifier=$!
if command -v wasm-opt >/dev/null; then
  # Rust's wasm32 target emits these post-MVP features; wasm-opt must be told.
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$site/pkg/shuangsui_bg.wasm" -o "$site/pkg/shuangsui_bg.wasm"
fi
wait "$verifier"
cp style/main.css "$site/pkg/shuangsui.css"
if [ -d public ] && [ -n "$(ls -A public)" ]; then cp -r public/. "$site/"; fi
# Pre-compressed copies for the server to hand out.
node scripts/compress.mjs "$site"/pkg/*.{wasm,js,css}
ls -l "$site/pkg"

#!/usr/bin/env bash
# Builds the browser bundle into $CARGO_TARGET_DIR/site (target/site), as `make run` and
# `make test` both do, without cargo-leptos: the app's WASM and the verifier's with the
# size-tuned profile, wasm-bindgen (which also drops the name section), wasm-opt on the
# verifier when present, the CSS, the public files, and their .br and .gz twins. The
# server's build (server/build.rs) embeds what is there, so build the site first.
# cargo-leptos (`make dev`) writes the same layout.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$PWD/.tools/node_modules/.bin:$PATH:$HOME/.cargo/bin"
profile=${WASM_PROFILE:-wasm-release}
target=${CARGO_TARGET_DIR:-target}
site=$target/site
WASM_BINDGEN_VERSION=0.2.130     # must equal wasm-bindgen in Cargo.lock

# A missing wasm-bindgen-cli is compiled into .tools/bin (this project's, not ~/.cargo/bin)
# beside the WASM build, which leaves a core idle for much of its time. Compiled without
# optimisation (CARGO_PROFILE_RELEASE_OPT_LEVEL=0): measured on the 2-core machine, 70 s and
# 132 CPU-s instead of 198 s and 379 CPU-s, and it then takes 3.1 s instead of 0.7 s per
# bundle, writing the same bytes. Only the `wasm-bindgen` binary, and without the test
# runner's TLS (rustls and ring serve only downloads the build never makes). --locked fails
# for this crate. A wasm-bindgen of the right version already on PATH is used as it is.
bindgen=
if ! command -v wasm-bindgen >/dev/null || ! wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION"; then
  echo "[site] installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into .tools/bin beside the WASM build (~1 min)"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=0 cargo install --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" \
    --no-default-features --bin wasm-bindgen --root "$PWD/.tools" --force &
  bindgen=$!
fi
# Both crates in one cargo run, so they build side by side.
cargo build --quiet -p frontend -p verifier --lib --target wasm32-unknown-unknown --profile "$profile"
if [ -n "$bindgen" ]; then
  wait "$bindgen"
  hash -r   # the shell may remember another wasm-bindgen it ran above
  if ! wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION"; then
    echo "site: $(command -v wasm-bindgen) is $(wasm-bindgen --version), not $WASM_BINDGEN_VERSION" >&2
    exit 1
  fi
fi
mkdir -p "$site/pkg"
# The verifier's wasm-opt (the public's module, on phones) runs beside wasm-bindgen.
scripts/build-verifier.sh --no-compress &
verifier=$!
# No wasm-opt for the staff bundle: most of what `wasm-opt -Oz` took off was the name
# section, which wasm-bindgen drops itself. Measured on this bundle: -Oz took 89 s (npm's
# binaryen runs as WASM in Node, on one core) for 3.01 MB, 664 KB brotli, 1,028 KB gzip;
# dropping the name section takes no time and gives 3.65 MB, 599 KB brotli, 850 KB gzip,
# smaller on the wire than -Oz.
wasm-bindgen "$target/wasm32-unknown-unknown/$profile/frontend.wasm" \
  --target web --no-typescript --remove-name-section --remove-producers-section \
  --out-dir "$site/pkg" --out-name shuangsui
wait "$verifier"
cp style/main.css "$site/pkg/shuangsui.css"
if [ -d public ] && [ -n "$(ls -A public)" ]; then cp -r public/. "$site/"; fi
# Pre-compressed copies for the server to hand out.
node scripts/compress.mjs "$site"/pkg/*.{wasm,js,css}
ls -l "$site/pkg"

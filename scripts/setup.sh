#!/usr/bin/env bash
# Installs the tools a command needs, skipping what is already present at the right
# version, so a second run costs seconds.
#   scripts/setup.sh [run]   what building and running need (`make run`): the wasm32 target,
#                            Node (the compressed copies) and wasm-opt for the verifier (npm
#                            fetches it); scripts/build-site.sh adds wasm-bindgen-cli to
#                            .tools/bin beside its WASM build
#   scripts/setup.sh test    that, and what the tests need (`make test`): the browser-test
#                            driver, Debian's chromium and a CJK font, and PostgreSQL
#                            (installed and started when its cluster is not running)
#   scripts/setup.sh dev     that, and cargo-leptos for `cargo leptos watch` (`make dev`)
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-run}
case $want in run|test|dev) ;; *) echo "usage: scripts/setup.sh [run|test|dev]" >&2; exit 2 ;; esac

CARGO_LEPTOS_VERSION=0.3.10      # 0.3.11 needs rustc 1.96
BINARYEN_VERSION=132             # Debian's wasm-opt 108 silently breaks hydration
TOOLS=$PWD/.tools
export PATH="$TOOLS/node_modules/.bin:$PATH:$HOME/.cargo/bin"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli is installed by scripts/build-site.sh, its only user, beside the WASM
# build (which leaves a core idle) rather than before it.

# Node runs wasm-opt's installer and scripts/compress.mjs (the site's .br and .gz twins).
# wasm-opt shrinks only the verifier (the public's module); the staff bundle goes without.
if ! command -v npm >/dev/null; then
  say "installing Debian's nodejs and npm"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
fi

if ! [ -x "$TOOLS/node_modules/.bin/wasm-opt" ] || ! "$TOOLS/node_modules/.bin/wasm-opt" --version | grep -q "version $BINARYEN_VERSION"; then
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into .tools/"
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION"
fi

if [ "$want" = test ]; then
  if ! [ -d tests/browser/node_modules/playwright-core ]; then
    say "installing the browser-test driver (npm playwright-core, no browser download)"
    npm ci --silent --no-audit --no-fund --prefix tests/browser
  fi
  if ! dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1; then
    say "installing Debian's chromium and a CJK font (browser tests)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  fi
fi

# The integration suite's second run (SHUANGSUI_TEST_DB=postgres: each test on a database
# of its own) and the schema parity test need a PostgreSQL server: Debian's, its cluster
# running, and a role that may create databases.
if [ "$want" = test ]; then
  if ! dpkg -s postgresql >/dev/null 2>&1; then
    say "installing Debian's postgresql (the integration suite's PostgreSQL run)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  fi
  read -r pg_version pg_cluster _ pg_status _ < <(pg_lsclusters -h | head -n 1) || true
  if [ -z "${pg_version:-}" ]; then
    pg_version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
    pg_cluster=main
    say "creating the PostgreSQL $pg_version cluster"
    as_root pg_createcluster "$pg_version" "$pg_cluster" >/dev/null
    pg_status=down
  fi
  if [[ $pg_status != online* ]]; then
    say "starting PostgreSQL $pg_version/$pg_cluster"
    as_root pg_ctlcluster "$pg_version" "$pg_cluster" start
  fi
  as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
  (cd / && as_postgres psql -qX -v ON_ERROR_STOP=1) <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shuangsui') THEN
    CREATE ROLE shuangsui;
  END IF;
END $$;
ALTER ROLE shuangsui LOGIN CREATEDB PASSWORD 'shuangsui';
SQL
fi

# Only the development loop uses cargo-leptos; nothing that builds or tests calls it.
if [ "$want" = dev ]; then
  if ! command -v cargo-leptos >/dev/null || ! cargo-leptos --version | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION, once: it compiles for ~25 min on 2 cores (91 min beside other builds)"
    cargo install --quiet cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
fi
say "tools ready"

#!/bin/sh
# Bootstrap for every entry point: makes sure Node 24+ and the npm packages are present,
# then runs what was asked. Used by ./dlt, `npm test` and `npm run bench`.
#   sh tools/bootstrap.sh cli ARGS...   run the dlt CLI
#   sh tools/bootstrap.sh test          typecheck, lint and the whole test suite
#   sh tools/bootstrap.sh bench ARGS... the benchmark against peer tools
#   sh tools/bootstrap.sh node ARGS...  Node 24 itself, with the project's packages
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
LOCAL="$ROOT/.dlt"
NODE_MAJOR=24

say() { printf 'dlt setup: %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

find_node() {
  if [ -x "$LOCAL/node/bin/node" ]; then NODE="$LOCAL/node/bin/node"; return; fi
  if command -v node >/dev/null 2>&1 && [ "$(node_major node)" -ge "$NODE_MAJOR" ]; then
    NODE=$(command -v node); return
  fi
  install_node
  NODE="$LOCAL/node/bin/node"
}

# Node 24 comes from the npm registry (the node-linux-<arch> package carries the binary and headers).
install_node() {
  case "$(uname -m)" in
    x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;;
    *) say "no Node $NODE_MAJOR package for $(uname -m); install Node $NODE_MAJOR+ and retry"; exit 1 ;;
  esac
  command -v npm >/dev/null 2>&1 || { say "npm is needed to fetch Node $NODE_MAJOR; install Node.js and npm first"; exit 1; }
  say "installing Node $NODE_MAJOR from the npm registry into .dlt/node (once)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_MAJOR" >/dev/null 2>&1) || { rm -rf "$tmp"; say "could not fetch node-linux-$arch@$NODE_MAJOR from the npm registry"; exit 1; }
  mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-*.tgz -C "$tmp/x"
  rm -rf "$LOCAL/node" && mkdir -p "$LOCAL" && mv "$tmp/x/package" "$LOCAL/node"
  rm -rf "$tmp"
  "$LOCAL/node/bin/node" --version >/dev/null || { say "the installed Node does not run"; exit 1; }
}

# npm packages: installed when node_modules is missing or older than the lockfile / manifests.
ensure_packages() {
  stamp="$ROOT/node_modules/.dlt-installed"
  sum=$(cat "$ROOT/package.json" "$ROOT"/packages/*/package.json "$ROOT/package-lock.json" 2>/dev/null | cksum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then return; fi
  say "installing npm packages"
  # npm install, not npm ci: it installs exactly the lockfile too, but accepts a lock that lacks
  # other platforms' optional packages (biome's, when a registry mirror has only some builds).
  (cd "$ROOT" && PATH="$(dirname "$NODE"):$PATH" npm install --no-audit --no-fund --loglevel=error >&2) || { say "npm install failed"; exit 1; }
  sum=$(cat "$ROOT/package.json" "$ROOT"/packages/*/package.json "$ROOT/package-lock.json" 2>/dev/null | cksum | cut -d' ' -f1)
  echo "$sum" > "$stamp"
}

# The web console: built into packages/console/dist when it is missing or older than its sources.
ensure_console() {
  dir="$ROOT/packages/console"
  [ -f "$dir/package.json" ] || return 0
  built="$dir/dist/index.html"
  if [ -f "$built" ] && [ -z "$(find "$dir/src" "$dir/index.html" "$dir/vite.config.ts" "$dir/package.json" \
    -newer "$built" 2>/dev/null | head -n 1)" ]; then return; fi
  say "building the web console"
  (cd "$dir" && "$NODE" "$ROOT/node_modules/vite/bin/vite.js" build --logLevel error >&2) || { say "building the web console failed"; exit 1; }
}

find_node
ensure_packages
case "${1:-cli}" in cli|test) ensure_console ;; esac
export PATH="$(dirname "$NODE"):$ROOT/node_modules/.bin:$PATH"
what=${1:-cli}
[ $# -gt 0 ] && shift
case "$what" in
  cli) exec "$NODE" "$ROOT/packages/cli/src/bin.ts" "$@" ;;
  node) exec "$NODE" "$@" ;;
  test) exec "$NODE" "$ROOT/tools/test.ts" "$@" ;;
  bench) exec "$NODE" "$ROOT/bench/run.ts" "$@" ;;
  *) say "unknown bootstrap target: $what"; exit 1 ;;
esac

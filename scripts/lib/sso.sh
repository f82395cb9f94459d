# Sourced: start and stop the local platform's identity provider, Keycloak on loopback with
# the demo organisation's realm (packages/test-cluster/src/localSso.ts). Needs
# toolchain.sh sourced first, Node and the workspace installed.
# shellcheck shell=bash

# start_local_sso DIR PORT: fetches Keycloak (cached), starts it on 127.0.0.1:PORT with
# its data in DIR, waits until the realm serves, and sources DIR/platform.env
# (KAAS_KEYCLOAK_*, the Backstage client's and the session's secrets).
start_local_sso() {
  local dir="$1" port="$2"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local ready_file="$dir/.ready-line"
  rm -f "$ready_file"
  log "starting Keycloak on 127.0.0.1:$port (data: $dir; the first start fetches it)"
  (
    cd "$KAAS_REPO_ROOT/packages/backend"
    exec node --require "$(node -p "require.resolve('@backstage/cli-node/config/nodeTransform.cjs')")" \
      "$KAAS_REPO_ROOT/packages/test-cluster/src/localSso.ts" --dir "$dir" --port "$port" \
      --backstage-url "${KAAS_BACKSTAGE_URL:-http://localhost:7007}"
  ) >"$ready_file" 2>>"$dir/keycloak.log" &
  KAAS_LOCAL_SSO_PID=$!
  wait_for_ready_line "$ready_file" "$KAAS_LOCAL_SSO_PID" Keycloak "$dir/keycloak.log" 600 ||
    return 1
  # shellcheck disable=SC1091
  source "$dir/platform.env"
  KAAS_LOCAL_SSO_DIR="$dir"
}

# stop_local_sso: stops the Keycloak this shell started, if any.
stop_local_sso() {
  if [ -n "${KAAS_LOCAL_SSO_PID:-}" ] && kill -0 "$KAAS_LOCAL_SSO_PID" 2>/dev/null; then
    log "stopping Keycloak"
    kill -TERM "$KAAS_LOCAL_SSO_PID" 2>/dev/null || true
    wait "$KAAS_LOCAL_SSO_PID" 2>/dev/null || true
  fi
  KAAS_LOCAL_SSO_PID=""
}

# start_sso_platform DATA_DIR TENANTS_PORT XAAS_PORT KEYCLOAK_PORT: what the platform runs
# on by default: Keycloak, then an XaaS cluster and a tenants cluster that trust it (the
# operators' CRDs installed in both). Exports what app-config.sso.yaml reads:
# KAAS_LOCAL_CLUSTER_* (the tenants cluster), KAAS_XAAS_*, KAAS_KEYCLOAK_*, the secrets,
# and NODE_EXTRA_CA_CERTS so Node (the backend, kubectl kaas-login) trusts Keycloak.
# Needs cluster.sh sourced too.
start_sso_platform() {
  local data_dir="$1" tenants_port="$2" xaas_port="$3" keycloak_port="$4"
  start_local_sso "$data_dir/sso" "$keycloak_port"
  local authn="$KAAS_LOCAL_SSO_DIR/authentication-config.json"
  start_local_cluster "$data_dir/xaas-cluster" "$xaas_port" "$authn"
  install_operator_crds
  export KAAS_XAAS_CLUSTER_URL="$KAAS_LOCAL_CLUSTER_URL"
  export KAAS_XAAS_CLUSTER_DIR="$KAAS_LOCAL_CLUSTER_DIR"
  export KAAS_XAAS_KUBERNETES_READER_TOKEN="$KAAS_LOCAL_KUBERNETES_READER_TOKEN"
  export KAAS_XAAS_ADMIN_KUBECONFIG="$KAAS_ADMIN_KUBECONFIG"
  start_local_cluster "$data_dir/cluster" "$tenants_port" "$authn"
  install_operator_crds
  export NODE_EXTRA_CA_CERTS="$KAAS_KEYCLOAK_CA_FILE"
}

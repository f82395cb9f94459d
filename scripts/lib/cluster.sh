# Sourced: start and stop the repo's local control plane (tools/local-cluster) in the
# background. Needs toolchain.sh sourced first.
# shellcheck shell=bash

LOCAL_CLUSTER_BIN="$KAAS_REPO_ROOT/tools/local-cluster/bin"

build_local_cluster() {
  ensure_go
  bash "$KAAS_REPO_ROOT/tools/local-cluster/build.sh"
}

# start_local_cluster DATA_DIR PORT [AUTHENTICATION_CONFIG]: starts (or finds running) a
# control plane whose data lives in DATA_DIR (its kube-apiserver trusting the OIDC issuer
# of AUTHENTICATION_CONFIG, when given), waits until it is ready, and exports
# KAAS_LOCAL_CLUSTER_* for the backend's configuration. Several may run; the last one
# started is the one the variables describe.
start_local_cluster() {
  local data_dir="$1" port="$2" authn="${3:-}"
  mkdir -p "$data_dir"
  data_dir="$(cd "$data_dir" && pwd)"
  if curl -fsS --max-time 2 --cacert "$data_dir/ca.crt" "https://127.0.0.1:$port/readyz" \
    -H "Authorization: Bearer $(cat "$data_dir/backend.token" 2>/dev/null)" >/dev/null 2>&1; then
    log "local control plane already running on 127.0.0.1:$port (data: $data_dir)"
  else
    log "starting the local control plane on 127.0.0.1:$port (data: $data_dir)"
    local ready_file="$data_dir/.ready-line"
    rm -f "$ready_file"
    # Only the API server's port is fixed; etcd and the controller-manager take free ones.
    "$LOCAL_CLUSTER_BIN/local-cluster" up --data-dir "$data_dir" --port "$port" \
      --etcd-port 0 --etcd-peer-port 0 --controller-manager-port 0 --exit-with-parent \
      ${authn:+--authentication-config "$authn"} \
      >"$ready_file" 2>>"$data_dir/supervisor.log" &
    KAAS_LOCAL_CLUSTER_PID=$!
    KAAS_LOCAL_CLUSTER_PIDS="${KAAS_LOCAL_CLUSTER_PIDS:-} $KAAS_LOCAL_CLUSTER_PID"
    wait_for_ready_line "$ready_file" "$KAAS_LOCAL_CLUSTER_PID" "the local control plane" \
      "$data_dir/supervisor.log" 180 || return 1
  fi
  export KAAS_LOCAL_CLUSTER_DIR="$data_dir"
  export KAAS_LOCAL_CLUSTER_URL="https://127.0.0.1:$port"
  # Backstage's core Kubernetes plugin reads with its own read-only token; the kaas
  # backend reads backend.token itself (kaas.clusters[].auth.tokenFile).
  KAAS_LOCAL_KUBERNETES_READER_TOKEN="$(cat "$data_dir/kubernetes-reader.token")"
  export KAAS_LOCAL_KUBERNETES_READER_TOKEN
  export KAAS_ADMIN_KUBECONFIG="$data_dir/admin.kubeconfig"
}

# stop_local_cluster: stops the control planes this shell started, if any.
stop_local_cluster() {
  local pid
  for pid in ${KAAS_LOCAL_CLUSTER_PIDS:-}; do
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping the local control plane (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  KAAS_LOCAL_CLUSTER_PID=""
  KAAS_LOCAL_CLUSTER_PIDS=""
}

# install_operator_crds: installs the operators' upstream CRDs (the ones the shipped
# capabilities and tenant isolations use) from KAAS_CRDS_DIR, by default ../shared/crds
# beside the repository, so templates work locally; no operator runs. Server-side apply:
# some CRDs are larger than client-side apply's annotation limit.
install_operator_crds() {
  local crds="${KAAS_CRDS_DIR:-$KAAS_REPO_ROOT/../shared/crds}"
  if [ ! -d "$crds" ]; then
    log "no operator CRDs at $crds (set KAAS_CRDS_DIR); XaaS and vcluster/cluster templates need them"
    return 0
  fi
  log "installing operator CRDs from $crds"
  "$LOCAL_CLUSTER_BIN/kubectl" --kubeconfig "$KAAS_ADMIN_KUBECONFIG" apply --server-side \
    --force-conflicts -R -f "$crds" >/dev/null
  "$LOCAL_CLUSTER_BIN/kubectl" --kubeconfig "$KAAS_ADMIN_KUBECONFIG" wait --for=condition=Established \
    --timeout=60s crd --all >/dev/null
}

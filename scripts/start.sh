#!/usr/bin/env bash
# Sets up and starts the whole platform locally: a real Kubernetes control plane on
# 127.0.0.1, then Backstage (frontend :3000, backend :7007) with the demo organisation.
# Idempotent: a second run reuses everything already installed, built or running.
#
#   scripts/start.sh
#
# Environment: KAAS_DATA_DIR (default .local) keeps the cluster's data between runs;
# KAAS_CLUSTER_PORT (default 6443); KAAS_DEMO_USER (default alice) signs you in as
# another demo user.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/cluster.sh"

data_dir="${KAAS_DATA_DIR:-$KAAS_REPO_ROOT/.local}"
cluster_port="${KAAS_CLUSTER_PORT:-6443}"
started=$(date +%s)

ensure_node
ensure_yarn
ensure_apt_packages curl
yarn_install
build_local_cluster

trap 'stop_local_cluster' EXIT
trap 'exit 130' INT TERM
start_local_cluster "$data_dir/cluster" "$cluster_port"
install_operator_crds

cat >&2 <<INFO

  Kubernetes API:  $KAAS_LOCAL_CLUSTER_URL
  kubeconfig:      $KAAS_ADMIN_KUBECONFIG
                   $LOCAL_CLUSTER_BIN/kubectl --kubeconfig $KAAS_ADMIN_KUBECONFIG get namespaces
  Backstage:       http://localhost:3000 (signed in as ${KAAS_DEMO_USER:-alice}; backend http://localhost:7007)
  set up in:       $(( $(date +%s) - started )) s; Backstage starts now (Ctrl-C stops everything)

INFO

cd "$KAAS_REPO_ROOT"
yarn start

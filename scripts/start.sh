#!/usr/bin/env bash
# Sets up and starts the whole platform locally: Keycloak (the company login, with the
# demo organisation), two real Kubernetes control planes on 127.0.0.1 that trust it (a
# tenants cluster and an XaaS cluster), then Backstage (frontend :3000, backend :7007)
# signing users in through Keycloak and reading the organisation from it.
# Idempotent: a second run reuses everything already installed, built or kept.
#
#   scripts/start.sh
#   KAAS_SIGN_IN=demo scripts/start.sh   # the development shortcut: one cluster, no
#                                        # Keycloak, sign in as a demo user
#
# Environment: KAAS_DATA_DIR (default .local) keeps the clusters' and Keycloak's data
# between runs; KAAS_CLUSTER_PORT (default 6443, the tenants cluster), KAAS_XAAS_CLUSTER_PORT
# (default 6444), KAAS_KEYCLOAK_PORT (default 8443); KAAS_DEMO_USER (default alice) with
# KAAS_SIGN_IN=demo signs you in as another demo user.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/cluster.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/sso.sh"

data_dir="${KAAS_DATA_DIR:-$KAAS_REPO_ROOT/.local}"
cluster_port="${KAAS_CLUSTER_PORT:-6443}"
sign_in="${KAAS_SIGN_IN:-oidc}"
started=$(date +%s)

ensure_node
ensure_yarn
ensure_apt_packages curl openssl
yarn_install
build_local_cluster

trap 'stop_local_cluster; stop_local_sso' EXIT
trap 'exit 130' INT TERM

cd "$KAAS_REPO_ROOT"
if [ "$sign_in" = demo ]; then
  start_local_cluster "$data_dir/cluster" "$cluster_port"
  install_operator_crds
  config=(--config app-config.yaml --config app-config.demo.yaml)
  signed_in="signed in as ${KAAS_DEMO_USER:-alice}, a demo user"
else
  start_sso_platform "$data_dir" "$cluster_port" "${KAAS_XAAS_CLUSTER_PORT:-6444}" \
    "${KAAS_KEYCLOAK_PORT:-8443}"
  config=(--config app-config.yaml --config app-config.sso.yaml)
  signed_in="sign in with a user of $KAAS_LOCAL_SSO_DIR/passwords.txt"
fi

cat >&2 <<INFO

  Kubernetes API:  $KAAS_LOCAL_CLUSTER_URL (tenants)${KAAS_XAAS_CLUSTER_URL:+, $KAAS_XAAS_CLUSTER_URL (xaas)}
  kubeconfig:      $KAAS_ADMIN_KUBECONFIG${KAAS_XAAS_ADMIN_KUBECONFIG:+ and $KAAS_XAAS_ADMIN_KUBECONFIG}
                   $LOCAL_CLUSTER_BIN/kubectl --kubeconfig $KAAS_ADMIN_KUBECONFIG get namespaces
${KAAS_KEYCLOAK_URL:+  Keycloak:        $KAAS_KEYCLOAK_URL (realm kaas; CA $KAAS_KEYCLOAK_CA_FILE)
}  Backstage:       http://localhost:3000 ($signed_in; backend http://localhost:7007)
  set up in:       $(( $(date +%s) - started )) s; Backstage starts now (Ctrl-C stops everything)

INFO

yarn start "${config[@]}"

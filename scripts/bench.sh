#!/usr/bin/env bash
# Runs a benchmark on a fresh local control plane and prints its figures.
#
#   scripts/bench.sh tenants [N]     tenant provisioning vs kubectl apply --server-side
#   scripts/bench.sh status [R] [sqlite|postgres]  tenant status API under 100 concurrent requests
#   scripts/bench.sh freshness [N] [sqlite|postgres]  new tenant -> catalog entity latency
#   scripts/bench.sh kubeconfig [N]  token kubeconfig minting vs kubectl create token
#   scripts/bench.sh revocation [N]  how long a revoked token kubeconfig keeps working
#   scripts/bench.sh mcp [N]         MCP tool listing, and a tenant through MCP vs the scaffolder
#   scripts/bench.sh drift [N] [K]   inventory memory per tenant, hand edit -> Drifted latency
#   scripts/bench.sh scale [N] [SMALL]  10,000 tenants and instances: sync, catalog, status API, Tenants page
#   scripts/bench.sh soak [MINUTES] [RATE]  mixed operations at RATE tenants/min: errors, heap and RSS growth
#   scripts/bench.sh accept [WORK_MS]  a bare Node.js server's first burst on new connections (no cluster)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
ensure_node
ensure_yarn
yarn_install
case "${1:-}" in
  tenants) bench="bench/tenantProvisioning.ts" ;;
  status) bench="bench/statusApi.ts" ;;
  freshness) bench="bench/catalogFreshness.ts" ;;
  kubeconfig) bench="bench/kubeconfigMinting.ts" ;;
  revocation) bench="bench/revocationLatency.ts" ;;
  mcp) bench="bench/mcpActions.ts" ;;
  drift) bench="bench/driftDetection.ts" ;;
  scale) bench="bench/scale.ts" ;;
  soak) bench="bench/soak.ts" ;;
  accept) bench="bench/acceptBurst.ts" ;;
  *) echo "usage: scripts/bench.sh tenants|status|freshness|kubeconfig|revocation|mcp|drift|scale|soak|accept [N]" >&2; exit 2 ;;
esac
shift
cd "$KAAS_REPO_ROOT"
exec node --require @backstage/cli-node/config/nodeTransform.cjs "$bench" "$@"

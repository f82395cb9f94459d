#!/usr/bin/env bash
# Builds the local control plane: kube-apiserver, kube-controller-manager and
# kubectl straight from the upstream k8s.io/kubernetes module pinned in go.mod,
# plus our supervisor `local-cluster` (embedded etcd).
#
#   tools/local-cluster/build.sh [OUT_DIR]     (default: tools/local-cluster/bin)
#
# Idempotent: a stamp per part (hash of go.mod, go.sum, this script, the Go
# version and, for the supervisor, its sources) skips work already done, so a
# second run returns at once. LOCAL_CLUSTER_FORCE=1 rebuilds anyway.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-${LOCAL_CLUSTER_BIN:-$here/bin}}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$here"

# Never download another toolchain; go.mod's `go` line must fit the installed Go.
export GOTOOLCHAIN=local
# Static binaries, like upstream's release builds of these components.
export CGO_ENABLED=0

start=$(date +%s)
go_version="$(go env GOVERSION)"
# The Kubernetes version comes from go.mod, so kubectl/apiserver report it
# (an unset version is v0.0.0 and makes kubectl warn about version skew).
kube_version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
kube_major="${kube_version#v}"; kube_major="${kube_major%%.*}"
kube_minor="${kube_version#v*.}"; kube_minor="${kube_minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X ${pkg}.gitVersion=${kube_version}"
  ldflags+=" -X ${pkg}.gitMajor=${kube_major}"
  ldflags+=" -X ${pkg}.gitMinor=${kube_minor}"
  ldflags+=" -X ${pkg}.gitTreeState=clean"
  ldflags+=" -X ${pkg}.buildDate=${build_date}"
done
flags=(-trimpath -buildvcs=false)

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
base_hash="$(hash_of go.mod go.sum build.sh)-${go_version}"

kube_bins=(kube-apiserver kube-controller-manager kubectl)
kube_stamp="$out/.stamp-kube"
kube_want="$base_hash"
kube_ok=1
for b in "${kube_bins[@]}"; do [[ -x "$out/$b" ]] || kube_ok=0; done
if [[ "${LOCAL_CLUSTER_FORCE:-}" != 1 && $kube_ok == 1 && -f "$kube_stamp" && "$(cat "$kube_stamp")" == "$kube_want" ]]; then
  echo "build.sh: ${kube_bins[*]} ${kube_version} up to date in $out" >&2
else
  echo "build.sh: building ${kube_bins[*]} ${kube_version} with ${go_version} (cold: ~10+ min on 2 cores)..." >&2
  t0=$(date +%s)
  rm -f "$kube_stamp"
  go build "${flags[@]}" -ldflags "$ldflags" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kubectl
  echo "$kube_want" > "$kube_stamp"
  echo "build.sh: kubernetes binaries built in $(( $(date +%s) - t0 ))s" >&2
fi

sup_stamp="$out/.stamp-local-cluster"
sup_want="$(hash_of go.mod go.sum build.sh $(ls ./*.go manifests/*.yaml | sort))-${go_version}"
if [[ "${LOCAL_CLUSTER_FORCE:-}" != 1 && -x "$out/local-cluster" && -f "$sup_stamp" && "$(cat "$sup_stamp")" == "$sup_want" ]]; then
  echo "build.sh: local-cluster up to date in $out" >&2
else
  t0=$(date +%s)
  rm -f "$sup_stamp"
  go build "${flags[@]}" -ldflags "-s -w" -o "$out/local-cluster" .
  echo "$sup_want" > "$sup_stamp"
  echo "build.sh: local-cluster built in $(( $(date +%s) - t0 ))s" >&2
fi

echo "build.sh: done in $(( $(date +%s) - start ))s -> $out" >&2

#!/usr/bin/env bash
# Builds (instant when up to date) and runs the local control plane in the
# foreground, keeping its state in tools/local-cluster/.data (or
# $LOCAL_CLUSTER_DATA_DIR). Extra arguments go to `local-cluster up`.
# Ctrl-C stops it; the next start finds everything as it was.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/build.sh"
exec "$here/bin/local-cluster" up --data-dir "${LOCAL_CLUSTER_DATA_DIR:-$here/.data}" "$@"

#!/usr/bin/env bash
# Prints the home of a JDK of Java 21 or newer (Keycloak's minimum): JAVA_HOME when it is
# one, else the newest under /usr/lib/jvm. Fails with a message when there is none.
set -euo pipefail

major_of() {
  local release="$1/release"
  [[ -f "$release" ]] || return 1
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
  [[ -n "$candidate" && -x "${candidate%/}/bin/java" ]] || continue
  major="$(major_of "${candidate%/}" || echo 0)"
  if [[ "${major:-0}" -ge 21 ]]; then
    echo "${candidate%/}"
    exit 0
  fi
done
echo "no JDK of Java 21 or newer (JAVA_HOME or /usr/lib/jvm); Keycloak needs one" >&2
exit 1

#!/usr/bin/env bash
# Fetches Keycloak's server distribution from Maven Central (through the machine's Maven
# settings) once, unpacks it into a cache folder, and prints that folder (KEYCLOAK_HOME).
# Idempotent: a second run prints the folder and does nothing else.
#
#   tools/keycloak/fetch.sh            # -> $XDG_CACHE_HOME/kaas-platform/keycloak-<version>
#
# Keycloak needs Java 21 or newer; tools/keycloak/java-home.sh finds one.
set -euo pipefail

version="${KAAS_KEYCLOAK_VERSION:-26.5.6}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kaas-platform"
home="$cache/keycloak-$version"

if [[ -x "$home/bin/kc.sh" ]]; then
  echo "$home"
  exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/keycloak-fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mvn -B -q dependency:copy \
  "-Dartifact=org.keycloak:keycloak-quarkus-dist:$version:tar.gz" \
  "-DoutputDirectory=$work" >&2
tar xzf "$work/keycloak-quarkus-dist-$version.tar.gz" -C "$work"
# Another run may have finished first; either copy is the same.
mv -T "$work/keycloak-$version" "$home" 2>/dev/null || true
echo "$home"

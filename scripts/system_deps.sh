#!/usr/bin/env bash
# Install the Debian packages listed in requirements/apt.txt that are not installed yet.
# Runs as part of `make test`; does nothing when the list is empty or all are present.
# Without root or apt-get it says which packages are missing and carries on: the tests
# that need them skip with that reason.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t wanted < <(grep -v '^\s*#' requirements/apt.txt | sed 's/\s*#.*//' | awk 'NF')
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "system_deps: cannot install ${missing[*]} (need root and apt-get); tests needing them will skip" >&2
    exit 0
fi
echo "system_deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq >/dev/null && \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "system_deps: apt-get could not install ${missing[*]}; tests needing them will skip" >&2
fi

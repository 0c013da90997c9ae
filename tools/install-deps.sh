#!/usr/bin/env bash
# Installs what dbanon needs from Debian 12 packages.
#   tools/install-deps.sh          build dependencies
#   tools/install-deps.sh --test   also the servers and tools the tests drive (dpkg-dev and
#                                  lintian for the package test), and
#                                  clang for the sanitizer and fuzz stages of .ci/run
#   tools/install-deps.sh --bench  also the reference tools bench/e2e measures
# apt-get runs only when a package is missing, so a second call costs nothing.
set -euo pipefail

packages=(meson ninja-build pkg-config g++ libre2-dev libxxhash-dev libssl-dev libtomlplusplus-dev libyaml-cpp-dev
          libabsl-dev libbenchmark-dev doctest-dev zlib1g-dev libisal-dev libzstd-dev liblz4-dev libargon2-dev libcrypt-dev python3)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql mariadb-server mariadb-client sqlite3 php-cli clang libclang-rt-14-dev dpkg-dev lintian)
fi
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(zstd time)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -q
# The Debian packages of PostgreSQL and MariaDB would start system-wide servers;
# the tests start their own, so stop the package scripts from starting services.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

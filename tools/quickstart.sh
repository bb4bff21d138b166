#!/usr/bin/env bash
# README command 1: install everything, build corral, and run the main job on
# the built-in defaults: `corral inspect` (the Llama 3 tokenizer and
# grammars/json.lark), then `corral generate` (the demo model in models/demo
# writing JSON for the shipped example schema examples/person.schema.json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
corral inspect
exec corral generate "$@"

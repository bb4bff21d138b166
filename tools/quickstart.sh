#!/usr/bin/env bash
# README command 1: install everything, build corral, and run the main job on
# the built-in default (the Llama 3 tokenizer and grammars/json.lark).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
exec corral inspect "$@"

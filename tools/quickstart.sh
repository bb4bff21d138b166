#!/usr/bin/env bash
# README command 1: install everything, build corral, and run the main job on
# the built-in defaults: `corral inspect` (the demo model's tokenizer and the
# shipped json grammar), then `corral generate` (the demo model writing JSON
# for the shipped example schema, person.schema.json). Both ship inside the
# package, so the installed `corral` finds them from any directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
corral inspect
exec corral generate "$@"

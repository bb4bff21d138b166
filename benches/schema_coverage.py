"""corral's JSON Schema coverage on the dev sample: strict compiles, and
lenient compiles where strict refuses, with the refusals by keyword.

    python benches/schema_coverage.py [DIR]

DIR defaults to tests/data/jsonschemabench-dev. Compile counts of the peers
(llguidance, xgrammar, outlines-core) on the same files come from
``python benches/schemabench.py --parts dev``.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

import corral


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/jsonschemabench-dev")
    files = sorted(root.glob("*.json"))
    strict = lenient = 0
    refusals: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    for f in files:
        doc = json.loads(f.read_text())
        schema = doc.get("schema", doc)
        try:
            corral.Grammar.from_json_schema(schema)
            strict += 1
            lenient += 1
            continue
        except corral.CorralError as e:
            refusals[getattr(e, "keyword", None) or type(e).__name__] += 1
        try:
            corral.Grammar.from_json_schema(schema, lenient=True)
            lenient += 1
        except corral.CorralError as e:
            failures.append(f"{f.name}: {str(e).splitlines()[0]}")
    print(f"{len(files)} schemas: strict {strict}, lenient {lenient}")
    for k, n in refusals.most_common():
        print(f"  strict refusal {k}: {n}")
    for line in failures:
        print(f"  lenient fails {line}")


if __name__ == "__main__":
    main()

"""Time in corral before the model's first forward pass, first and repeated calls.

    python benches/first_forward.py                  # demo model, 20 dev schemas
    python benches/first_forward.py --schemas 50 --repeats 5

An application calls ``corral.generate(model, tokenizer, prompt, schema)`` per request,
often with a tokenizer loaded once and a schema it builds again each time (a fresh dict).
This measures, per call, the wall time from entering ``generate`` to the model's first
forward pass (the forward pass is wrapped to note when it starts). What is in it: corral's
argument checks, the schema's grammar, the vocabulary, the compiled grammar and its
emptiness check, the matcher, and the tokenizer's encoding of the prompt (Hugging Face's,
about 0.1-0.2 ms, reported apart). The first call per schema compiles; later calls with an
equal schema (a new dict each time) should find everything in corral's caches.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests/data/jsonschemabench-dev"


class _Stop(Exception):
    """Raised by the wrapped forward pass: the call is measured up to there."""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schemas", type=int, default=20, help="dev schemas (default 20)")
    ap.add_argument("--repeats", type=int, default=5, help="calls per schema after the first")
    args = ap.parse_args()

    import corral
    import torch
    import transformers

    torch.set_num_threads(1)
    tok = transformers.AutoTokenizer.from_pretrained(ROOT / "models/demo")
    model = transformers.AutoModelForCausalLM.from_pretrained(ROOT / "models/demo").eval()
    prompt = "JSON for the schema:\n"

    started: list[float] = []

    def forward(*_a: Any, **_k: Any) -> Any:
        started.append(time.perf_counter())
        raise _Stop

    model.forward = forward  # type: ignore[method-assign]

    schemas = []
    for f in sorted(DEV.glob("*.json")):
        if f.name == "index.json":
            continue
        text = json.dumps(json.loads(f.read_text(encoding="utf-8"))["schema"])
        try:
            corral.Grammar.from_json_schema(json.loads(text), profile="generate")
        except corral.CorralError:
            continue
        schemas.append((f.stem, text))
        if len(schemas) == args.schemas:
            break

    def call(text: str) -> float:
        started.clear()
        t = time.perf_counter()
        with contextlib.suppress(_Stop):
            corral.generate(model, tok, prompt, json.loads(text), max_new_tokens=8)
        return (started[0] - t) * 1e3

    call(schemas[0][1])  # imports, the vocabulary, the worker threads
    first, again = [], []
    for _, text in schemas:
        first.append(call(text))
        again.extend(call(text) for _ in range(args.repeats))
    encode = []
    for _ in range(50):
        t = time.perf_counter()
        tok(prompt, return_tensors="pt")
        encode.append((time.perf_counter() - t) * 1e3)

    def row(name: str, xs: list[float]) -> str:
        xs = sorted(xs)
        p99 = xs[min(len(xs) - 1, int(0.99 * len(xs)))]
        return f"| {name} | {len(xs)} | {statistics.median(xs):.3f} | {p99:.3f} | {xs[-1]:.3f} |"

    print(f"`{' '.join(['python', *sys.argv])}`, demo model, {len(schemas)} dev schemas\n")
    print("| calls | n | p50 (ms) | p99 (ms) | max (ms) |")
    print("|---|---|---|---|---|")
    print(row("first call per schema (compiles)", first))
    print(row("later calls, an equal schema (a new dict)", again))
    print(row("of which: the tokenizer encoding the prompt", encode))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

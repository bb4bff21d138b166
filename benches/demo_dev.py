"""The demo model on the JSONSchemaBench dev schemas: greedy constrained
generation (corral.generate, the generate profile, max_new_tokens 512), how many
finish (EOS, or the output complete) and whether every finished output validates.

    python benches/demo_dev.py [--every K] [--holdout K] [--model DIR]

The prompt names what the schema is (its title or description, else the file
name), as the demo model was trained to read. `--holdout K` reports two parts:
the schemas a model trained with `tools/train_demo_model.py --holdout K` never
saw (every K-th from the second) and the ones it was trained on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
ROOT = Path(__file__).resolve().parent.parent


def validate(text: str, schema: object) -> None:
    """Validates the JSON text; a number a float cannot hold (past 1e308,
    or a `multipleOf` on more digits than a float keeps) is read again as
    an exact Decimal."""
    import decimal

    import jsonschema

    try:
        jsonschema.validate(json.loads(text), schema)
    except jsonschema.ValidationError:
        with decimal.localcontext(prec=len(text) + 10):
            jsonschema.validate(json.loads(text, parse_float=decimal.Decimal), schema)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="the first schema (sorted by name)")
    ap.add_argument("--model", type=Path, default=ROOT / "models/demo")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--max-new-tokens", type=int, default=512)
    ap.add_argument(
        "--holdout",
        type=int,
        default=0,
        help="report the schemas left out of training (every K-th from the second, as "
        "tools/train_demo_model.py --holdout K leaves them out) apart from the others",
    )
    ap.add_argument(
        "--additional-properties",
        action="store_true",
        help="allow keys a schema does not list where it does not say (JSON Schema's "
        "default); by default they are left out, as `corral generate` does",
    )
    args = ap.parse_args()
    import corral
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    tok = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model).float().eval()
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=model.config.vocab_size)
    every = sorted((ROOT / "tests/data/jsonschemabench-dev").glob("*---*.json"))
    files = every[args.start :: args.every]
    held = {f for i, f in enumerate(every) if args.holdout and i % args.holdout == 1}
    cmd = "python benches/demo_dev.py " + " ".join(sys.argv[1:])
    parts = [("left out of training", [f for f in files if f in held])] if held else []
    parts.append(("trained on" if held else "all", [f for f in files if f not in held]))
    print(f"`{cmd.strip()}`: {len(files)} schemas")
    for name, part in parts:
        run_part(model, tok, vocab, part, name, args)
    return 0


def run_part(model: Any, tok: Any, vocab: Any, files: list[Path], name: str, args: Any) -> None:
    import corral
    from corral.decoding import generate, schema_prompt

    ran = finished = valid = refused = 0
    tokens = 0
    secs = 0.0
    unfinished: list[str] = []
    errors: list[str] = []
    for f in files:
        schema = json.loads(f.read_text())["schema"]
        try:
            g = corral.Grammar.from_json_schema(
                schema,
                profile="generate",
                additional_properties=True if args.additional_properties else None,
            )
            cg = corral.compile(g, vocab)
        except corral.CorralError:
            refused += 1
            continue
        t = time.perf_counter()
        try:
            r = generate(
                model, tok, schema_prompt(schema, f.stem), cg, max_new_tokens=args.max_new_tokens
            )
        except corral.CorralError as e:
            print(f"ERROR {f.stem}: {e}", file=sys.stderr)
            errors.append(f.stem)
            continue
        secs += time.perf_counter() - t
        tokens += r.stats.new_tokens
        ran += 1
        if r.stats.stop_reason == "max_new_tokens":
            unfinished.append(f.stem)
            continue
        finished += 1
        try:
            validate(r.text, schema)
            valid += 1
        except Exception as e:
            print(f"INVALID {f.stem}: {e}", file=sys.stderr)
    print(f"- {name}: {len(files)} schemas, {refused} refused, {ran} generated; ", end="")
    print(
        f"finished {finished} / {ran} ({100 * finished / max(ran, 1):.1f}%), "
        f"valid {valid} / {finished}; {tokens} tokens in {secs:.0f} s "
        f"({tokens / max(secs, 1e-9):.0f} tokens/s)"
    )
    print(f"  unfinished: {', '.join(unfinished)}")
    if errors:
        print(f"  errors: {', '.join(errors)}")


if __name__ == "__main__":
    raise SystemExit(main())

"""Cost per step: AWRS (`corral.awrs`) against the mask path (fill_mask,
apply_mask, then sampling the masked softmax with torch), on the same
states: the demo model's logits along its own sampled outputs (temperature
1) for the JSONSchemaBench dev schemas.

    python benches/awrs_cost.py [--every 4] [--max-new-tokens 128] [--threads 1]

At each step both paths run once on the step's logits (in alternating
order, so neither always finds the lexer's lazy states warm), timed from
Python: what a decoding loop pays. AWRS's checks (tokens tried, the extra
check of the recursive estimate included) and its fallbacks to the mask
are counted. The output then advances by the AWRS draw.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
ROOT = Path(__file__).resolve().parent.parent


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs), q)) if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--every", type=int, default=4)
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--estimator", default="recursive")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()
    import corral
    import torch
    from corral.decoding import _forward_args, _sample, schema_prompt
    from corral.sampling import _awrs
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(args.threads)
    tok = AutoTokenizer.from_pretrained(ROOT / "models/demo")
    model = AutoModelForCausalLM.from_pretrained(ROOT / "models/demo").float().eval()
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=model.config.vocab_size)
    dev = ROOT / "tests/data/jsonschemabench-dev"
    cache_arg, _ = _forward_args(model)
    names = sorted(p.name for p in dev.glob("*.json"))[:: args.every]
    awrs_us: list[float] = []
    mask_us: list[float] = []
    checks: list[int] = []
    fallbacks = 0
    schemas = 0
    rng = random.Random(0)
    gen = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    for i, name in enumerate(names):
        schema = json.loads((dev / name).read_text())
        try:
            cg = corral.compile(corral.Grammar.from_json_schema(schema), vocab)
        except corral.CorralError:
            continue
        schemas += 1
        m = cg.matcher()
        bitmask = np.zeros((1, cg.mask_words), dtype=np.int32)
        ids = tok(schema_prompt(schema, name), return_tensors="pt").input_ids
        past = None
        eos = set(vocab.eos_token_ids)
        for step in range(args.max_new_tokens):
            with torch.no_grad():
                out = model(input_ids=ids, use_cache=True, **{cache_arg: past})
            past = out.get("cache", out.get("past_key_values"))
            logits = out.logits[0, -1].float()

            def mask_path(
                logits: torch.Tensor = logits, m: corral.Matcher = m, bitmask: np.ndarray = bitmask
            ) -> int:
                m.fill_mask(bitmask)
                x = logits.clone()
                corral.apply_mask(x, bitmask[0])
                return _sample(x, 1.0, 0, 1.0, gen)

            def awrs_path(
                logits: torch.Tensor = logits, m: corral.Matcher = m
            ) -> tuple[int, float, int, bool]:
                return _awrs(logits, m, generator=rng, estimator=args.estimator)

            order = [mask_path, awrs_path] if (i + step) % 2 == 0 else [awrs_path, mask_path]
            draw = None
            for f in order:
                t = time.perf_counter()
                r = f()
                dt = (time.perf_counter() - t) * 1e6
                if f is mask_path:
                    mask_us.append(dt)
                else:
                    awrs_us.append(dt)
                    draw = r
            assert isinstance(draw, tuple)
            token, _, c, fb = draw
            checks.append(c)
            fallbacks += fb
            if token in eos or not m.consume(token) or m.is_finished():
                break
            ids = torch.tensor([[token]])
    steps = len(awrs_us)
    res = {
        "schemas": schemas,
        "steps": steps,
        "estimator": args.estimator,
        "awrs_us": {
            "mean": float(np.mean(awrs_us)),
            "p50": pct(awrs_us, 50),
            "p99": pct(awrs_us, 99),
        },
        "mask_us": {
            "mean": float(np.mean(mask_us)),
            "p50": pct(mask_us, 50),
            "p99": pct(mask_us, 99),
        },
        "checks": {
            "mean": float(np.mean(checks)),
            "p99": pct([float(c) for c in checks], 99),
            "max": max(checks),
        },
        "fallback_rate": fallbacks / max(steps, 1),
        "seconds": time.perf_counter() - t0,
    }
    a, k = res["awrs_us"], res["mask_us"]
    assert isinstance(a, dict) and isinstance(k, dict)
    print(f"{schemas} schemas, {steps} steps (every {args.every}th dev schema, demo model, T=1)")
    print(f"AWRS  µs/step: mean {a['mean']:.1f}  p50 {a['p50']:.1f}  p99 {a['p99']:.1f}")
    print(f"mask  µs/step: mean {k['mean']:.1f}  p50 {k['p50']:.1f}  p99 {k['p99']:.1f}")
    print(f"ratio AWRS/mask: mean {a['mean'] / k['mean']:.2f}  p99 {a['p99'] / k['p99']:.2f}")
    c = res["checks"]
    assert isinstance(c, dict)
    print(f"checks/step: mean {c['mean']:.2f}  p99 {c['p99']:.0f}  max {c['max']}")
    print(f"fallbacks to the mask: {res['fallback_rate']:.2%} of steps")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""SMC throughput: `corral.smc` with n particles against n sequential
`corral.generate(..., sampler="awrs")` calls (the same sampler, one output
at a time), on dev schemas with the demo model at temperature 1.

    python benches/smc_throughput.py [--every 40] [--particles 8,32] [--threads 1]

Reports particles (outputs) per second for both, and the ratio, for SMC's
two schemes (`resampling="systematic"`, AWRS proposals, and "distinct",
every child weighed exactly), and how many runs ended without a finished
particle. SMC runs its particles in one batched forward pass per step;
finished ones leave the batch.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--every", type=int, default=40)
    ap.add_argument("--particles", default="8,32")
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    import corral
    import torch
    from corral.decoding import generate, schema_prompt
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(args.threads)
    tok = AutoTokenizer.from_pretrained(ROOT / "models/demo")
    model = AutoModelForCausalLM.from_pretrained(ROOT / "models/demo").float().eval()
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=model.config.vocab_size)
    dev = ROOT / "tests/data/jsonschemabench-dev"
    names = sorted(p.name for p in dev.glob("*.json"))[:: args.every]
    grammars = []
    for name in names:
        schema = json.loads((dev / name).read_text())
        try:
            g = corral.Grammar.from_json_schema(schema)
        except corral.CorralError:
            continue
        corral.compile(g, vocab)  # compiled once, outside the timings
        grammars.append((schema_prompt(schema, name), g))
    print(f"{len(grammars)} dev schemas (every {args.every}th), {args.threads} torch thread(s)")
    print(
        "| particles | SMC particles/s | SMC, distinct, particles/s | sequential generate "
        "outputs/s | SMC / sequential | distinct / sequential | runs without output "
        "(SMC / distinct) |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in (int(x) for x in args.particles.split(",")):
        smc_s = dis_s = seq_s = 0.0
        empty = {"systematic": 0, "distinct": 0}
        for i, (prompt, g) in enumerate(grammars):
            for scheme in ("systematic", "distinct"):
                t = time.perf_counter()
                r = corral.smc(
                    model,
                    tok,
                    prompt,
                    g,
                    n_particles=n,
                    seed=i,
                    max_new_tokens=args.max_new_tokens,
                    vocab=vocab,
                    resampling=scheme,
                )
                if scheme == "systematic":
                    smc_s += time.perf_counter() - t
                else:
                    dis_s += time.perf_counter() - t
                empty[scheme] += not r.posterior
            t = time.perf_counter()
            for k in range(n):
                generate(
                    model,
                    tok,
                    prompt,
                    g,
                    sampler="awrs",
                    temperature=1.0,
                    seed=1000 * i + k,
                    max_new_tokens=args.max_new_tokens,
                    vocab=vocab,
                    jump_forward=False,
                )
            seq_s += time.perf_counter() - t
        total = n * len(grammars)
        print(
            f"| {n} | {total / smc_s:.1f} | {total / dis_s:.1f} | {total / seq_s:.1f} | "
            f"{seq_s / smc_s:.2f}x | {seq_s / dis_s:.2f}x | "
            f"{empty['systematic']} / {empty['distinct']} of {len(grammars)} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

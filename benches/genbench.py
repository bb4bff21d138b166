"""Generation throughput: constrained vs unconstrained, same model, prompt and
length, on the CPU.

    python benches/genbench.py [--model models/demo] [--schema FILE] [--threads N]

Rows (greedy decoding, one prompt):

- corral.generate, constrained, with and without jump-forward; and the same
  loop (KV cache, one forward pass per token) unconstrained for exactly as
  many tokens: the ratio is corral's overhead (target: at most 3%).
- `model.generate` (transformers) unconstrained for the same number of
  tokens, and constrained by corral's GrammarLogitsProcessor, xgrammar's
  `xgrammar.contrib.hf.LogitsProcessor`, and llguidance (a LogitsProcessor
  over `llguidance.LLMatcher`, as llguidance documents it for transformers).

Each row is the median of `--repeat` runs after one warm-up run (grammar
compile excluded; the first run of each engine compiles and warms its caches).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

ROOT = Path(__file__).resolve().parent.parent


def plain_loop(model: Any, tok: Any, prompt: str, n: int) -> int:
    """corral.generate's loop without a grammar: n greedy tokens, KV cache."""
    import torch
    from corral.generate import _forward_args

    cache_arg, keep = _forward_args(model)
    extra: dict[str, Any] = {"logits_to_keep": 1} if keep else {}
    feed = tok(prompt, return_tensors="pt")["input_ids"]
    past = None
    with torch.inference_mode():
        for _ in range(n):
            out = model(input_ids=feed, use_cache=True, **{cache_arg: past}, **extra)
            past = out.get("cache")
            if past is None:
                past = out.get("past_key_values")
            t = int(torch.argmax(out.logits[0, -1].float()).item())
            feed = torch.tensor([[t]])
    return n


class LLGuidanceProcessor:
    """llguidance in `model.generate`: one LLMatcher, its bitmask functions."""

    def __init__(self, grammar: str, lltok: Any) -> None:
        import llguidance
        import llguidance.torch

        self.ll = llguidance
        self.llt = llguidance.torch
        self.matcher = llguidance.LLMatcher(lltok, grammar)
        self.mask = llguidance.torch.allocate_token_bitmask(1, lltok.vocab_size)
        self.start: int | None = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if self.start is None:
            self.start = input_ids.shape[1]
        elif input_ids.shape[1] > self.start:
            self.matcher.consume_token(int(input_ids[0, -1]))
        self.llt.fill_next_token_bitmask(self.matcher, self.mask, 0)
        self.llt.apply_token_bitmask_inplace(scores, self.mask.to(scores.device))
        return scores


def timed(fn: Any, repeat: int) -> tuple[float, int]:
    fn()  # warm-up
    runs = []
    n = 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", default=str(ROOT / "models/demo"))
    ap.add_argument("--schema", default=str(ROOT / "examples/order.schema.json"))
    ap.add_argument("--prompt", default=None)
    ap.add_argument("--max-new-tokens", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()

    import corral
    import torch
    from corral.generate import generate
    from corral.transformers import GrammarLogitsProcessor
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if args.threads:
        torch.set_num_threads(args.threads)
    tok = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model).float().eval()
    schema = json.loads(Path(args.schema).read_text())
    prompt = args.prompt or f"JSON for {schema.get('title', 'a document')}:\n"
    grammar = corral.Grammar.from_json_schema(schema)
    width = model.get_output_embeddings().weight.shape[0]
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=width)
    cg = corral.compile(grammar, vocab)
    rows: list[tuple[str, float, int]] = []

    def corral_run(jf: bool) -> int:
        r = generate(model, tok, prompt, cg, max_new_tokens=args.max_new_tokens, jump_forward=jf)
        return r.stats.new_tokens

    t_jf, n = timed(lambda: corral_run(True), args.repeat)
    t_nojf, n2 = timed(lambda: corral_run(False), args.repeat)
    t_plain, _ = timed(lambda: plain_loop(model, tok, prompt, n), args.repeat)
    rows += [
        ("corral.generate loop, unconstrained", t_plain, n),
        ("corral.generate, constrained, no jump-forward", t_nojf, n2),
        ("corral.generate, constrained, jump-forward", t_jf, n),
    ]
    enc = tok(prompt, return_tensors="pt")
    common = {"do_sample": False, "pad_token_id": tok.eos_token_id}

    def hf(procs: list[Any] | None, fixed: int | None = None) -> int:
        kw: dict[str, Any] = dict(common)
        if fixed is not None:
            # No EOS: exactly `fixed` tokens, with no extra processor.
            kw.update(max_new_tokens=fixed, eos_token_id=None)
        else:
            kw.update(max_new_tokens=args.max_new_tokens)
        with torch.inference_mode():
            out = model.generate(**enc, logits_processor=procs or [], **kw)
        return int(out.shape[1] - enc["input_ids"].shape[1])

    t_hf, n_hf = timed(lambda: hf([GrammarLogitsProcessor(cg)]), args.repeat)
    t_hf0, _ = timed(lambda: hf(None, fixed=n_hf), args.repeat)
    rows += [
        ("model.generate, unconstrained", t_hf0, n_hf),
        ("model.generate + corral GrammarLogitsProcessor", t_hf, n_hf),
    ]
    try:
        import xgrammar as xgr
        import xgrammar.contrib.hf

        info = xgr.TokenizerInfo.from_huggingface(tok, vocab_size=width)
        xcg = xgr.GrammarCompiler(info).compile_json_schema(json.dumps(schema))
        t, nx = timed(lambda: hf([xgrammar.contrib.hf.LogitsProcessor(xcg)]), args.repeat)
        version = importlib.metadata.version("xgrammar")
        rows.append((f"model.generate + xgrammar {version}", t, nx))
    except Exception as e:
        print(f"xgrammar skipped: {e}", file=sys.stderr)
    try:
        import llguidance
        import llguidance.hf

        lltok = llguidance.hf.from_tokenizer(tok, n_vocab=width)
        llg = llguidance.LLMatcher.grammar_from_json_schema(json.dumps(schema))
        t, nl = timed(lambda: hf([LLGuidanceProcessor(llg, lltok)]), args.repeat)
        version = importlib.metadata.version("llguidance")
        rows.append((f"model.generate + llguidance {version}", t, nl))
    except Exception as e:
        print(f"llguidance skipped: {e}", file=sys.stderr)

    cmd = "python benches/genbench.py " + " ".join(sys.argv[1:])
    print(
        f"`{cmd.strip()}` — {datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}; model {args.model}, "
        f"schema {Path(args.schema).name}, greedy"
    )
    print()
    print("| run | tokens | seconds | tokens/s | vs its unconstrained row |")
    print("|---|---|---|---|---|")
    base_loop = rows[0][2] / rows[0][1]
    base_hf = n_hf / t_hf0
    for i, (name, t, k) in enumerate(rows):
        tps = k / t
        base = base_loop if name.startswith("corral.generate") else base_hf
        rel = "" if i in (0, 3) else f"{tps / base:.3f}"
        print(f"| {name} | {k} | {t:.3f} | {tps:.1f} | {rel} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

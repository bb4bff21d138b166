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

Each constrained run alternates with an unconstrained run of as many tokens
(`--repeat` pairs after one warm-up pair; grammar compile excluded): rows give
median times, and the ratio is the median of the pairs' speed ratios, which
keeps the machine's drift out of it.
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
    from corral.decoding import _forward_args

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


def paired(fn: Any, base: Any, repeat: int) -> tuple[float, float, int, float]:
    """Runs `fn` (constrained) and `base` (unconstrained, as many tokens)
    alternately, after one warm-up each: the median time of each, and the
    median of the per-pair speed ratios (alternating keeps the machine's
    drift out of the ratio). `fn` returns its token count; `base` takes it."""
    n = fn()
    base(n)
    ts, bs, ratios = [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        n = fn()
        ts.append(time.perf_counter() - t)
        t = time.perf_counter()
        base(n)
        bs.append(time.perf_counter() - t)
        ratios.append(bs[-1] / ts[-1])
    return statistics.median(ts), statistics.median(bs), n, statistics.median(ratios)


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
    from corral.decoding import generate
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
    # (name, seconds, tokens, speed against the same run unconstrained)
    rows: list[tuple[str, float, int, float | None]] = []
    stats: dict[bool, Any] = {}

    def corral_run(jf: bool) -> int:
        r = generate(model, tok, prompt, cg, max_new_tokens=args.max_new_tokens, jump_forward=jf)
        stats[jf] = r.stats
        return r.stats.new_tokens

    def loop(n: int) -> int:
        return plain_loop(model, tok, prompt, n)

    for jf, name in ((False, "no jump-forward"), (True, "jump-forward")):
        t, t0, n, ratio = paired(lambda jf=jf: corral_run(jf), loop, args.repeat)
        rows.append((f"corral.generate loop, unconstrained, {n} tokens", t0, n, None))
        rows.append((f"corral.generate, constrained, {name}", t, n, ratio))
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

    def hf_rows(name: str, make: Any) -> None:
        t, t0, n, ratio = paired(lambda: hf([make()]), lambda k: hf(None, fixed=k), args.repeat)
        rows.append((f"model.generate, unconstrained, {n} tokens", t0, n, None))
        rows.append((f"model.generate + {name}", t, n, ratio))

    hf_rows("corral GrammarLogitsProcessor", lambda: GrammarLogitsProcessor(cg))
    try:
        import xgrammar as xgr
        import xgrammar.contrib.hf

        info = xgr.TokenizerInfo.from_huggingface(tok, vocab_size=width)
        xcg = xgr.GrammarCompiler(info).compile_json_schema(json.dumps(schema))
        version = importlib.metadata.version("xgrammar")
        hf_rows(f"xgrammar {version}", lambda: xgrammar.contrib.hf.LogitsProcessor(xcg))
    except Exception as e:
        print(f"xgrammar skipped: {e}", file=sys.stderr)
    try:
        import llguidance
        import llguidance.hf

        lltok = llguidance.hf.from_tokenizer(tok, n_vocab=width)
        llg = llguidance.LLMatcher.grammar_from_json_schema(json.dumps(schema))
        version = importlib.metadata.version("llguidance")
        hf_rows(f"llguidance {version}", lambda: LLGuidanceProcessor(llg, lltok))
    except Exception as e:
        print(f"llguidance skipped: {e}", file=sys.stderr)

    cmd = "python benches/genbench.py " + " ".join(sys.argv[1:])
    print(
        f"`{cmd.strip()}` — {datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}; model {args.model}, "
        f"schema {Path(args.schema).name}, greedy"
    )
    print()
    print("| run | tokens | seconds | tokens/s | speed vs unconstrained, same tokens |")
    print("|---|---|---|---|---|")
    for name, secs, k, speed in rows:
        rel = "" if speed is None else f"{speed:.3f}"
        print(f"| {name} | {k} | {secs:.3f} | {k / secs:.1f} | {rel} |")
    print()
    for jf, st in sorted(stats.items()):
        print(
            f"corral.generate {'with' if jf else 'without'} jump-forward, last run: grammar "
            f"{1e3 * st.grammar_seconds:.1f} ms on the critical path of {st.seconds:.3f} s "
            f"({100 * st.grammar_seconds / st.seconds:.2f}%), masks {1e3 * st.mask_seconds:.1f} ms "
            f"overlapped, {st.forced_tokens} forced tokens, {st.forward_passes} forward passes"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

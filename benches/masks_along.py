"""Every mask along the dev sample's valid instances, per mask the fastest of
several runs: the measure of corral's mask tail between two builds.

    python benches/masks_along.py run OUT.pkl [--tokenizer llama3]
    python benches/masks_along.py summary 'RUNS*.pkl' ['OTHER*.pkl' ...]

`run` compiles each dev schema once (`Grammar.from_json_schema`), binds it
(`CompiledGrammar`), fills its first mask, then times `fill_mask` before each
token of every valid instance, and writes the times. `summary` takes, per
glob, the fastest of its runs for each mask and prints percentiles, the
masks over 1 and 2 ms, their sum, and time to first mask. To compare two
builds, alternate their runs (one build from a wheel on `PYTHONPATH`).
"""

from __future__ import annotations

import argparse
import glob
import pickle
import time

import maskbench_inputs
import numpy as np
import schemabench


def run(out: str, tokenizer: str) -> None:
    import corral

    tok = maskbench_inputs.load_tok(tokenizer, corral)
    bitmask = np.zeros((1, (tok.vocab_size + 31) // 32), dtype=np.int32)
    rows: dict[str, tuple[int, list[int]]] = {}
    for name, schema, tests in schemabench.dev_schemas(False):
        try:
            t0 = time.perf_counter_ns()
            cg = corral.CompiledGrammar(corral.Grammar.from_json_schema(schema), tok.vocab)
            cg.matcher().fill_mask(bitmask)
            first = time.perf_counter_ns() - t0
        except corral.CorralError:
            continue
        times = []
        for text, valid in tests:
            if not valid:
                continue
            m = cg.matcher()
            for t in tok.hf.encode(text, add_special_tokens=False).ids:
                a = time.perf_counter_ns()
                m.fill_mask(bitmask)
                times.append(time.perf_counter_ns() - a)
                if not m.consume(t):
                    break
        rows[name] = (first, times)
    with open(out, "wb") as f:
        pickle.dump(rows, f)


def summary(pattern: str) -> str:
    runs = []
    for path in sorted(glob.glob(pattern)):
        with open(path, "rb") as f:
            runs.append(pickle.load(f))
    if not runs:
        raise SystemExit(f"no runs match {pattern!r}")
    names = sorted(set.intersection(*(set(r) for r in runs)))
    masks: list[float] = []
    firsts = []
    for n in names:
        masks.extend(np.min(np.array([r[n][1] for r in runs]), axis=0).tolist())
        firsts.append(min(r[n][0] for r in runs))
    a = np.sort(np.array(masks)) / 1e3
    f = np.sort(np.array(firsts)) / 1e6

    def q(v: np.ndarray, p: float) -> float:
        return float(v[min(len(v) - 1, round((len(v) - 1) * p))])

    return (
        f"{pattern}: {len(a)} masks over {len(names)} schemas, fastest of {len(runs)} runs; "
        f"p50 {q(a, 0.5):.1f} p90 {q(a, 0.9):.1f} p99 {q(a, 0.99):.0f} "
        f"p99.9 {q(a, 0.999):.0f} max {a[-1]:.0f} µs; over 1 ms {(a > 1000).sum()}, "
        f"over 2 ms {(a > 2000).sum()}; sum {a.sum() / 1e3:.0f} ms | first mask "
        f"p50 {q(f, 0.5):.2f} p99 {q(f, 0.99):.1f} max {f[-1]:.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("out")
    r.add_argument("--tokenizer", default="llama3")
    s = sub.add_parser("summary")
    s.add_argument("globs", nargs="+")
    args = ap.parse_args()
    if args.cmd == "run":
        run(args.out, args.tokenizer)
    else:
        for g in args.globs:
            print(summary(g))


if __name__ == "__main__":
    main()

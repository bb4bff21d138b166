"""Faithfulness: how far each sampler's output distribution is from the demo
model's exact distribution conditioned on the grammar, KL(exact || sampled),
on small grammars whose strings can be enumerated (`benches/kl_exact.py`),
with corral and, side by side, genlm-control (its AWRS sampler and SMC).

    python benches/awrs_kl.py [--total 512] [--grammars tenant,quantum,...]
        [--genlm /work/genlm-venv/bin/python] [--plot benches/plots/awrs_kl.png]

Samplers, each given the same budget of `--total` particles per grammar:
- local masking: the exact KL of its distribution (enumerated), and the KL
  of `--total` samples of it (the estimator's noise floor);
- AWRS without resampling: importance sampling (`corral.smc` with
  ess_threshold=0), runs of 32 particles;
- SMC with N particles (AWRS proposals, systematic resampling at
  ess_threshold=0.5), runs of N, for N in `--particles` (8 and 32 in the
  table, all in the plot);
- SMC with N distinct particles (`resampling="distinct"`: every child of
  every particle weighed exactly, N kept by Fearnhead-Clifford resampling),
  runs of N, for the same N.
A run's weighted particles give a posterior over strings; the runs'
posteriors are averaged, and the KL is taken with additive smoothing
(`kl_stats.kl`: pseudo-count 1/|K| per string, one pseudo-sample in all, over
the |K| strings of the exact support and the samples; n = the particles
used). Time per sampled
token: the runs' wall time over the tokens their particles drew.

    python benches/awrs_kl.py --spread 3 --json benches/data/awrs_kl_spread.json

runs SMC 32 (both schemes) alone over three disjoint sets of seeds: one set of 512
particles is a noisy figure (a run of 32 particles finds a string whose
proposal probability is 1% a quarter of the time).
genlm-control runs in its own virtualenv (`benches/genlm_setup.sh`) with
`benches/genlm_runner.py`, the same prompts and Lark grammars.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benches"))


def average(posteriors: list[dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in posteriors:
        for s, w in p.items():
            out[s] = out.get(s, 0.0) + w / len(posteriors)
    return out


def corral_runs(
    model: Any,
    tok: Any,
    vocab: Any,
    grammar: Any,
    prompt: str,
    n: int,
    runs: int,
    ess: float,
    seed_base: int = 0,
    resampling: str = "systematic",
    **options: Any,
) -> tuple[dict[str, float], float, int]:
    """Averaged posterior, seconds per sampled token, runs with no finished
    particle. Run r is seeded `seed_base + r`."""
    import corral

    posts = []
    secs = 0.0
    tokens = 0
    empty = 0
    for r in range(runs):
        t = time.perf_counter()
        res = corral.smc(
            model,
            tok,
            prompt,
            grammar,
            n_particles=n,
            ess_threshold=ess,
            seed=seed_base + r,
            max_new_tokens=64,
            vocab=vocab,
            resampling=resampling,
            **options,
        )
        secs += time.perf_counter() - t
        tokens += sum(len(p.tokens) for p in res.particles)
        if res.posterior:
            posts.append(res.posterior)
        else:
            empty += 1
    return average(posts), secs / max(tokens, 1), empty


def genlm_runs(
    python: str, prompt: str, lark: str, mode: str, n: int, runs: int
) -> tuple[dict[str, float], float, int] | None:
    with tempfile.TemporaryDirectory() as d:
        pf, gf, out = Path(d, "prompt"), Path(d, "g.lark"), Path(d, "out.json")
        pf.write_text(prompt)
        gf.write_text(lark)
        cmd = [
            python,
            str(ROOT / "benches/genlm_runner.py"),
            "--model",
            str(ROOT / "models/demo"),
            "--prompt-file",
            str(pf),
            "--lark-file",
            str(gf),
            "--mode",
            mode,
            "--particles",
            str(n),
            "--runs",
            str(runs),
            "--max-tokens",
            "64",
            "--seed",
            "0",
            "--out",
            str(out),
        ]
        r = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if r.returncode != 0:
            print(f"genlm-control failed: {r.stderr[-400:]}", file=sys.stderr)
            return None
        data = json.loads(out.read_text())
    posts = []
    secs = 0.0
    tokens = 0
    empty = 0
    for run in data["runs"]:
        secs += run["seconds"]
        tokens += run["tokens"]
        post: dict[str, float] = {}
        for s, w, c in zip(run["strings"], run["weights"], run["complete"], strict=True):
            if c and w and w > 0:
                post[s] = post.get(s, 0.0) + w
        z = sum(post.values())
        if z > 0:
            posts.append({s: w / z for s, w in post.items()})
        else:
            empty += 1
    return average(posts), secs / max(tokens, 1), empty


def plot(results: dict[str, Any], sizes: list[int], total: int, path: Path) -> None:
    """KL against particles per run, one color per grammar; dashed: local
    masking's samples under the same estimator and budget."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9.5, 4.8))
    for i, (name, r) in enumerate(results.items()):
        color = f"C{i}"
        smc = {int(k): v for k, v in r["smc"].items()}
        ax.plot(sizes, [smc[n]["kl"] for n in sizes], "o-", color=color, label=f"{name}: SMC")
        if "distinct" in r:
            dis = {int(k): v for k, v in r["distinct"].items()}
            ax.plot(
                sizes,
                [dis[n]["kl"] for n in sizes],
                "s-.",
                color=color,
                label=f"{name}: SMC, distinct",
            )
        ax.axhline(r["local_sampled"], color=color, ls="--", lw=1, label=f"{name}: local masking")
        g = r.get("genlm", {})
        if "smc32" in g and "smc8" in g:
            ax.plot(
                [8, 32],
                [g["smc8"]["kl"], g["smc32"]["kl"]],
                "x:",
                color=color,
                label=f"{name}: genlm-control SMC",
            )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("particles per SMC run (same total of particles)")
    ax.set_ylabel("KL(exact || sampled), nats")
    ax.set_title(f"Demo model conditioned on small grammars ({total} particles each)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    print(f"plot: {path}")


def spread(
    model: Any, tok: Any, vocab: Any, names: list[str], total: int, sets: int
) -> dict[str, Any]:
    """KL of SMC with 32 particles over `sets` disjoint sets of seeds (each
    `total` particles), with AWRS's weight estimates and with exact weights,
    and of importance sampling with exact weights (the proposal's own limit:
    no resampling, no estimate)."""
    import corral
    import kl_exact

    out: dict[str, Any] = {}
    for name in names:
        prompt, lark = kl_exact.GRAMMARS[name]
        grammar = corral.Grammar.from_lark(lark, whitespace_limit=0)
        both = kl_exact.distributions(model, tok, vocab, lark, prompt, local=True)
        exact, local = both["exact"]["probs"], both["local"]["probs"]
        row: dict[str, Any] = {"local_exact": kl_exact.kl_exact(exact, local)}
        cells: dict[str, tuple[float, dict[str, Any]]] = {
            "smc32_distinct": (0.5, {"resampling": "distinct"}),
            "smc32": (0.5, {}),
            "smc32_exact_weights": (0.5, {"max_rejects": 0}),
            "is32_exact_weights": (0.0, {"max_rejects": 0}),
        }
        for key, (ess, opts) in cells.items():
            kls = []
            for k in range(sets):
                q, _, _ = corral_runs(
                    model, tok, vocab, grammar, prompt, 32, total // 32, ess, 1000 * k, **opts
                )
                kls.append(kl_exact.kl(exact, q, n=total))
            row[key] = kls
        out[name] = row
        print(json.dumps({name: row}), flush=True)
    print()
    print(
        "| grammar | local masking (exact) | goal (0.1x) | SMC 32, distinct | SMC 32 "
        "| SMC 32, exact weights | IS 32, exact weights |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in out.items():
        cols = [
            f"{sum(r[k]) / len(r[k]):.4f} ({min(r[k]):.4f}-{max(r[k]):.4f})"
            for k in ("smc32_distinct", "smc32", "smc32_exact_weights", "is32_exact_weights")
        ]
        print(
            f"| {name} | {r['local_exact']:.3f} | {0.1 * r['local_exact']:.3f} | "
            + " | ".join(cols)
            + " |"
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--total", type=int, default=512, help="particles per sampler and grammar")
    ap.add_argument("--grammars", default="")
    ap.add_argument("--particles", default="4,8,16,32")
    ap.add_argument("--genlm", default="/work/genlm-venv/bin/python", help="'' to skip")
    ap.add_argument("--plot", type=Path, default=ROOT / "benches/plots/awrs_kl.png")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--replot", type=Path, help="only draw the plot from a --json file")
    ap.add_argument(
        "--spread",
        type=int,
        default=0,
        help="only SMC 32 (and exact-weight variants) over this many seed sets: mean (min-max)",
    )
    args = ap.parse_args()
    sizes = [int(x) for x in args.particles.split(",")]
    if args.replot:
        plot(json.loads(args.replot.read_text()), sizes, args.total, args.plot)
        return 0
    import corral
    import kl_exact
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_num_threads(args.threads)
    tok = AutoTokenizer.from_pretrained(ROOT / "models/demo")
    model = AutoModelForCausalLM.from_pretrained(ROOT / "models/demo").float().eval()
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=model.config.vocab_size)
    names = args.grammars.split(",") if args.grammars else list(kl_exact.GRAMMARS)
    if args.spread:
        res = spread(model, tok, vocab, names, args.total, args.spread)
        if args.json:
            args.json.write_text(json.dumps(res, indent=1))
        return 0
    genlm = args.genlm if args.genlm and Path(args.genlm).exists() else ""
    results: dict[str, Any] = {}
    for name in names:
        prompt, lark = kl_exact.GRAMMARS[name]
        grammar = corral.Grammar.from_lark(lark, whitespace_limit=0)
        t = time.perf_counter()
        both = kl_exact.distributions(model, tok, vocab, lark, prompt, local=True)
        exact, local = both["exact"]["probs"], both["local"]["probs"]
        row: dict[str, Any] = {
            "strings": len(exact),
            "exact_seconds": time.perf_counter() - t,
            "local_exact": kl_exact.kl_exact(exact, local),
        }
        samples = kl_exact.local_masking_samples(
            model, tok, vocab, lark, prompt, args.total, seed=0
        )
        row["local_sampled"] = kl_exact.kl(exact, samples)
        q, spt, _ = corral_runs(model, tok, vocab, grammar, prompt, 32, args.total // 32, 0.0)
        row["awrs_is32"] = kl_exact.kl(exact, q, n=args.total)
        row["awrs_is32_s_per_token"] = spt
        row["smc"] = {}
        for n in sizes:
            q, spt, empty = corral_runs(model, tok, vocab, grammar, prompt, n, args.total // n, 0.5)
            row["smc"][n] = {
                "kl": kl_exact.kl(exact, q, n=args.total),
                "s_per_token": spt,
                "runs_without_output": empty,
            }
        row["distinct"] = {}
        for n in sizes:
            q, spt, empty = corral_runs(
                model, tok, vocab, grammar, prompt, n, args.total // n, 0.5, resampling="distinct"
            )
            row["distinct"][n] = {
                "kl": kl_exact.kl(exact, q, n=args.total),
                "s_per_token": spt,
                "runs_without_output": empty,
            }
        # Exact weights (the mask every step) instead of AWRS's estimates.
        q, spt, empty = corral_runs(
            model, tok, vocab, grammar, prompt, 32, args.total // 32, 0.5, max_rejects=0
        )
        row["smc32_exact_weights"] = {"kl": kl_exact.kl(exact, q, n=args.total), "s_per_token": spt}
        if genlm:
            row["genlm"] = {}
            g = genlm_runs(genlm, prompt, lark, "awrs", 32, args.total // 32)
            if g:
                row["genlm"]["awrs_is32"] = {
                    "kl": kl_exact.kl(exact, g[0], n=args.total),
                    "s_per_token": g[1],
                    "runs_without_output": g[2],
                }
            for n in (8, 32):
                g = genlm_runs(genlm, prompt, lark, "smc", n, args.total // n)
                if g:
                    row["genlm"][f"smc{n}"] = {
                        "kl": kl_exact.kl(exact, g[0], n=args.total),
                        "s_per_token": g[1],
                        "runs_without_output": g[2],
                    }
        results[name] = row
        print(json.dumps({name: row}, indent=None, default=float), flush=True)
    print()
    print(
        "| grammar | strings | local masking (exact / sampled) | AWRS, no resampling (32) "
        "| SMC 8 | SMC 32 | SMC 32, exact weights | distinct 8 | distinct 32 "
        "| distinct 32 / local |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        s8, s32 = r["smc"].get(8, {}).get("kl", math.nan), r["smc"].get(32, {}).get("kl", math.nan)
        d8 = r["distinct"].get(8, {}).get("kl", math.nan)
        d32 = r["distinct"].get(32, {}).get("kl", math.nan)
        print(
            f"| {name} | {r['strings']} | {r['local_exact']:.3f} / {r['local_sampled']:.3f} | "
            f"{r['awrs_is32']:.3f} | {s8:.3f} | {s32:.3f} | {r['smc32_exact_weights']['kl']:.3f} "
            f"| {d8:.4f} | {d32:.4f} | {d32 / r['local_exact']:.4f} |"
        )
    if genlm:
        print()
        print(
            "| grammar | sampler | KL corral | KL genlm-control | ms/token corral "
            "| ms/token genlm-control |"
        )
        print("|---|---|---|---|---|---|")
        for name, r in results.items():
            g = r.get("genlm", {})
            pairs = [
                (
                    "AWRS, no resampling (32)",
                    r["awrs_is32"],
                    r["awrs_is32_s_per_token"],
                    g.get("awrs_is32"),
                ),
                ("SMC 8", r["smc"][8]["kl"], r["smc"][8]["s_per_token"], g.get("smc8")),
                ("SMC 32", r["smc"][32]["kl"], r["smc"][32]["s_per_token"], g.get("smc32")),
                (
                    "SMC 32, distinct",
                    r["distinct"][32]["kl"],
                    r["distinct"][32]["s_per_token"],
                    g.get("smc32"),
                ),
            ]
            for label, k, spt, gg in pairs:
                gk = f"{gg['kl']:.3f}" if gg else "failed"
                gt = f"{gg['s_per_token'] * 1e3:.2f}" if gg else "-"
                print(f"| {name} | {label} | {k:.3f} | {gk} | {spt * 1e3:.2f} | {gt} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=float))
    if args.plot:
        plot(results, sizes, args.total, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

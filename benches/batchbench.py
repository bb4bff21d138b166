"""Batched token masks: one call fills the masks of a batch of matchers, each its own schema.

    python benches/batchbench.py                 # 64 schemas, threads 1 and 2, 3 repeats, llama3
    python benches/batchbench.py --quick         # smoke run: 8 schemas, 1 thread, 1 repeat
    python benches/batchbench.py --threads 1,2,4 --tokenizer qwen3 --out /tmp/batch.md

The serving case: a batch of requests, each constrained by a different JSON schema, and
one call per decoding step that fills the int32 bitmask ``[batch, ceil(vocab / 32)]``, row
i for matcher i. corral, llguidance and xgrammar run side by side on the same inputs with
the same thread count:

- corral: ``corral.fill_masks(matchers, bitmask)`` on rayon's global pool, the GIL
  released; its size is set by ``RAYON_NUM_THREADS`` before first use, so every thread
  count runs in a child process of its own (this script with ``--worker``), all engines
  in it.
- llguidance: ``llguidance.numpy.fill_next_token_bitmask_par(executor, [(matcher, row)],
  bitmask)`` with ``executor = LLExecutor(num_threads=N)``.
- xgrammar: ``BatchGrammarMatcher(max_threads=N).batch_fill_next_token_bitmask(matchers,
  bitmask)`` (numpy bitmask).

Inputs: the first ``--batch`` JSONSchemaBench dev schemas (file order) that all the engines
compile and that have a valid instance; the first valid instance of each, written by
``json.dumps(data, ensure_ascii=False)`` and tokenized canonically by the tokenizer's own
``tokenizers`` implementation (no special tokens). Grammars: corral
``Grammar.from_json_schema`` + ``CompiledGrammar``; llguidance
``LLMatcher.grammar_from_json_schema`` + ``LLMatcher`` (fresh matchers are ``deep_copy()``
of that pristine one); xgrammar ``GrammarCompiler(max_threads=1, cache_enabled=False)
.compile_json_schema(any_whitespace=True, strict_mode=False)`` + ``GrammarMatcher``.
Compiling is not timed.

What is timed: the walk goes step by step; at step k the batch is every matcher whose
instance has not ended, and the engine's batch call fills the whole batch once (only this
call is timed, ``time.perf_counter_ns``, GC off; the argument list is built and the rows
zeroed before the clock starts). Then, untimed, each row must allow its matcher's next
token (a clear bit is a violation, counted) and each matcher consumes its token (one that
refuses it leaves the batch, noted); a matcher whose instance has ended must be accepting
(xgrammar: accepts EOS), and leaves the batch.
The walk is repeated ``--repeats`` times with fresh matchers and the same compiled
grammars: the first pass is "cold" (lazily built automata and caches are built there),
the later ones "warm", reported apart. Per engine, thread count and pass kind: batch calls,
batch wall time p50 / p99 / max in µs, the mean batch size, the fill time summed over a
pass, and µs per row (summed time over summed batch sizes); the batch shrinks as
instances end, so a second table splits the calls by batch size (1, 2-8, 9-32, 33-64).
The exit status is 1 when any engine has a violation, a non-accepting end or a failing
batch call, else 0. The default run takes about 4 minutes on the 2-core development
machine, nearly all of it xgrammar compiling the 64 schemas once per thread count.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import itertools
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benches"))

import schemabench  # noqa: E402
from maskbench_inputs import Tok, allowed, cpu, load_tok  # noqa: E402
from schemabench import Refused  # noqa: E402

clock = time.perf_counter_ns
ENGINES = ["corral", "llguidance", "xgrammar"]
EXAMPLES = 5  # violations listed per engine and thread count


# --------------------------------------------------------------------------- engines
# schemabench's engines (compile, matchers, consume, accepting), with each
# engine's batch call and a thread count for its batch pool.


class Engine:
    """The batch side of one engine: `threads` sizes its batch pool."""

    api = "?"

    def __init__(self, tok: Tok, threads: int) -> None:
        self.threads = threads

    def prepare(self, ms: list[Any]) -> Any:
        """The batch call's argument for these matchers (built before the clock starts)."""
        return ms

    def fill_batch(self, arg: Any, bm: np.ndarray) -> None:
        """The timed call: row i of `bm` for matcher i."""
        raise NotImplementedError


class Corral(Engine, schemabench.Corral):
    api = "corral.fill_masks(matchers, bitmask), RAYON_NUM_THREADS={n}"

    def __init__(self, tok: Tok, threads: int) -> None:
        schemabench.Corral.__init__(self, tok)
        Engine.__init__(self, tok, threads)

    def fill_batch(self, arg: Any, bm: np.ndarray) -> None:
        self.c.fill_masks(arg, bm)


class Llguidance(Engine, schemabench.Llguidance):
    api = (
        "llguidance.numpy.fill_next_token_bitmask_par(LLExecutor(num_threads={n}), "
        "[(matcher, row)], bitmask)"
    )

    def __init__(self, tok: Tok, threads: int) -> None:
        schemabench.Llguidance.__init__(self, tok)
        Engine.__init__(self, tok, threads)
        import llguidance.numpy

        self.par = llguidance.numpy.fill_next_token_bitmask_par
        self.executor = self.llg.LLExecutor(num_threads=threads)

    def prepare(self, ms: list[Any]) -> Any:
        return [(m, i) for i, m in enumerate(ms)]

    def fill_batch(self, arg: Any, bm: np.ndarray) -> None:
        self.par(self.executor, arg, bm)


class Xgrammar(Engine, schemabench.Xgrammar):
    api = (
        "xgrammar.BatchGrammarMatcher(max_threads={n})"
        ".batch_fill_next_token_bitmask(matchers, bitmask)"
    )

    def __init__(self, tok: Tok, threads: int) -> None:
        schemabench.Xgrammar.__init__(self, tok)
        Engine.__init__(self, tok, threads)
        self.batcher = self.xg.BatchGrammarMatcher(max_threads=threads)

    def fill_batch(self, arg: Any, bm: np.ndarray) -> None:
        self.batcher.batch_fill_next_token_bitmask(arg, bm)


MAKERS: dict[str, type[Engine]] = {"corral": Corral, "llguidance": Llguidance, "xgrammar": Xgrammar}


# --------------------------------------------------------------------------- worker


@dataclass
class Pass:
    """One walk of the whole batch by one engine."""

    times_us: list[float] = field(default_factory=list)  # one per batch call
    sizes: list[int] = field(default_factory=list)  # the batch size of each call
    violations: int = 0  # a row without its matcher's next token
    examples: list[str] = field(default_factory=list)
    consume_rejects: int = 0  # the matcher refused its token (it leaves the batch)
    not_accepting: int = 0  # instance ended, matcher not accepting
    error: str | None = None  # the batch call raised


@dataclass
class Input:
    schema_id: str
    tokens: list[int]


def select(
    engines: list[Engine], tok: Tok, n: int
) -> tuple[list[Input], dict[str, list[Any]], list[str], dict[str, float]]:
    """The first n dev schemas every engine compiles, with a valid instance; their grammars."""
    from schemabench import dev_schemas

    inputs: list[Input] = []
    grammars: dict[str, list[Any]] = {e.name: [] for e in engines}
    skipped: list[str] = []
    compile_s = {e.name: 0.0 for e in engines}
    for sid, schema, tests in dev_schemas(False):
        valid = [text for text, ok in tests if ok]
        if not valid:
            skipped.append(f"{sid}: no valid instance")
            continue
        got: dict[str, Any] = {}
        for e in engines:
            t0 = clock()
            try:
                got[e.name] = e.compile(schema)
            except Refused as r:
                skipped.append(f"{sid}: {e.name} refuses ({r})")
                break
            finally:
                compile_s[e.name] += (clock() - t0) / 1e9
        else:
            for name, g in got.items():
                grammars[name].append(g)
            ids = tok.hf.encode(valid[0], add_special_tokens=False).ids
            inputs.append(Input(sid, list(ids)))
            if len(inputs) == n:
                break
    return inputs, grammars, skipped, compile_s


def walk(e: Engine, grammars: list[Any], inputs: list[Input], bm: np.ndarray) -> Pass:
    """Steps every matcher along its instance, one batch call per step (see the docstring)."""
    p = Pass()
    ms = [e.matcher(g) for g in grammars]
    pos = [0] * len(ms)
    live = [i for i, x in enumerate(inputs) if x.tokens]
    rows = bm.view(np.uint32)
    gc.disable()
    try:
        while live:
            arg = e.prepare([ms[i] for i in live])
            bm[: len(live)] = 0
            t0 = clock()
            try:
                e.fill_batch(arg, bm)
            except Exception as x:  # an engine failing on an input
                p.error = f"{type(x).__name__}: {str(x)[:100]}"
                break
            p.times_us.append((clock() - t0) / 1e3)
            p.sizes.append(len(live))
            still = []
            for r, i in enumerate(live):
                t = inputs[i].tokens[pos[i]]
                if not allowed(rows[r], t):
                    p.violations += 1
                    if len(p.examples) < EXAMPLES:
                        p.examples.append(f"{inputs[i].schema_id} token {pos[i]} ({t})")
                if not e.consume(ms[i], t):
                    p.consume_rejects += 1
                    continue
                pos[i] += 1
                if pos[i] < len(inputs[i].tokens):
                    still.append(i)
                elif not e.accepting(ms[i]):
                    p.not_accepting += 1
            live = still
    finally:
        gc.enable()
    return p


def worker(args: argparse.Namespace) -> None:
    """One thread count: every engine, every pass; the result as JSON in --result."""
    import corral

    threads = int(args.threads)
    tok = load_tok(args.tokenizer, corral)
    engines = [MAKERS[n](tok, threads) for n in args.engines.split(",")]
    t0 = time.time()
    inputs, grammars, skipped, compile_s = select(engines, tok, args.batch)
    print(
        f"  threads {threads}: {len(inputs)} schemas compiled ({time.time() - t0:.0f} s)",
        file=sys.stderr,
    )
    bm = np.zeros((len(inputs), (tok.vocab_size + 31) // 32), dtype=np.int32)
    passes: dict[str, list[dict[str, Any]]] = {}
    for e in engines:  # one engine at a time, all its passes
        t0 = time.time()
        passes[e.name] = []
        for _ in range(args.repeats):
            p = walk(e, grammars[e.name], inputs, bm)
            passes[e.name].append(asdict(p))
            if p.error:
                break
        print(f"  threads {threads}: {e.name} walked ({time.time() - t0:.1f} s)", file=sys.stderr)
    result = {
        "threads": threads,
        "inputs": [asdict(x) for x in inputs],
        "skipped": skipped,
        "compile_s": compile_s,
        "api": {e.name: e.api.format(n=threads) for e in engines},
        "passes": passes,
    }
    Path(args.result).write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------------------- report


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def run_worker(args: argparse.Namespace, threads: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "result.json"
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--threads",
            str(threads),
            "--tokenizer",
            args.tokenizer,
            "--batch",
            str(args.batch),
            "--repeats",
            str(args.repeats),
            "--engines",
            args.engines,
            "--result",
            str(out),
        ]
        env = dict(os.environ, RAYON_NUM_THREADS=str(threads), TOKENIZERS_PARALLELISM="false")
        subprocess.run(cmd, env=env, check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def versions(names: list[str]) -> str:
    out = [f"Python {platform.python_version()}"]
    for n in names:
        try:
            out.append(f"{n} {importlib.metadata.version(n)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{n} (version unknown)")
    return ", ".join(out)


def rows_for(name: str, threads: int, passes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cold row (pass 1) and, with more passes, the warm row (passes 2.., pooled)."""
    groups = [("cold", passes[:1]), ("warm", passes[1:])]
    out = []
    for kind, ps in groups:
        if not ps:
            continue
        times = [t for p in ps for t in p["times_us"]]
        sizes = [s for p in ps for s in p["sizes"]]
        out.append(
            {
                "engine": name,
                "threads": threads,
                "kind": "cold"
                if kind == "cold"
                else f"warm ({len(ps)} pass{'es' if len(ps) > 1 else ''})",
                "calls": len(times) / len(ps),
                "p50": pct(times, 0.5),
                "p99": pct(times, 0.99),
                "max": max(times, default=float("nan")),
                "batch": sum(sizes) / len(sizes) if sizes else float("nan"),
                "total_ms": sum(times) / 1e3 / len(ps),
                "per_row": sum(times) / sum(sizes) if sizes else float("nan"),
                "violations": sum(p["violations"] for p in ps),
                "rejects": sum(p["consume_rejects"] for p in ps),
                "not_accepting": sum(p["not_accepting"] for p in ps),
                "error": next((p["error"] for p in ps if p["error"]), None),
                "times": times,
                "sizes": sizes,
            }
        )
    return out


def size_buckets(batch: int) -> list[tuple[int, int]]:
    """Batch-size ranges for the second table: 1, 2-8, 9-32, 33-batch (those that exist)."""
    edges = [0] + [e for e in (1, 8, 32) if e < batch] + [batch]
    return [(lo + 1, hi) for lo, hi in itertools.pairwise(edges)]


def by_size(rows: list[dict[str, Any]], batch: int) -> list[str]:
    """p50 µs of the calls in each batch-size range (and how many calls), per row."""
    buckets = size_buckets(batch)
    labels = [str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in buckets]
    out = [
        "| engine | threads | pass | "
        + " | ".join(f"batch {x}: p50 µs (calls)" for x in labels)
        + " |",
        "|---|---:|---|" + "---:|" * len(buckets),
    ]
    for r in rows:
        cells = []
        for lo, hi in buckets:
            ts = [t for t, n in zip(r["times"], r["sizes"], strict=True) if lo <= n <= hi]
            cells.append(f"{pct(ts, 0.5):.1f} ({len(ts)})" if ts else "-")
        out.append(f"| {r['engine']} | {r['threads']} | {r['kind']} | " + " | ".join(cells) + " |")
    return out


def report(
    args: argparse.Namespace, results: list[dict[str, Any]], load: float, wall_s: float
) -> str:
    names = args.engines.split(",")
    first = results[0]
    inputs = first["inputs"]
    lens = [len(x["tokens"]) for x in inputs]
    lines = [
        f"Command: `{shlex.join(['python', 'benches/batchbench.py', *sys.argv[1:]])}`",
        "",
        f"Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {cpu()}; load average "
        f"{load:.2f} at start; wall {wall_s:.0f} s",
        "",
        f"Tokenizer: {args.tokenizer}; batch: {len(inputs)} matchers, each its own dev schema; "
        f"instances {sum(lens)} tokens ({min(lens, default=0)} to {max(lens, default=0)} "
        f"each); threads {args.threads}; passes per engine: {args.repeats}; "
        f"{versions(names)}",
        "",
        "Per batch call (one call fills the mask of every matcher still in the batch); "
        "calls are per pass; fill ms is the sum over a pass; µs / row is the summed time "
        "over the summed batch sizes; p50 ÷ corral is the engine's p50 over corral's "
        "at the same thread count and pass kind (> 1: corral is faster).",
        "",
        "| engine | threads | pass | batch calls | p50 µs | p99 µs | max µs | mean batch "
        "| fill ms / pass | µs / row | p50 ÷ corral | violations | non-accepting ends |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes: list[str] = []
    all_rows: list[dict[str, Any]] = []
    for res in results:
        n = res["threads"]
        rows = [r for name in names for r in rows_for(name, n, res["passes"].get(name, []))]
        all_rows += rows
        base = {r["kind"][:4]: r["p50"] for r in rows if r["engine"] == "corral"}
        for r in rows:
            ref = base.get(r["kind"][:4])
            ratio = "-" if r["engine"] == "corral" or not ref else f"{r['p50'] / ref:.2f}x"
            lines.append(
                f"| {r['engine']} | {n} | {r['kind']} | {r['calls']:.0f} | {r['p50']:.1f} "
                f"| {r['p99']:.1f} | {r['max']:.0f} | {r['batch']:.1f} | {r['total_ms']:.1f} "
                f"| {r['per_row']:.2f} | {ratio} | {r['violations']} | {r['not_accepting']} |"
            )
            if r["rejects"]:
                notes.append(
                    f"{r['engine']}, {n} thread(s), {r['kind']}: {r['rejects']} token(s) refused "
                    "by consume (those matchers left the batch early)"
                )
            if r["error"]:
                notes.append(
                    f"{r['engine']}, {n} thread(s), {r['kind']}: the batch call raised "
                    f"{r['error']}; that engine stopped"
                )
        for name in names:
            for p in res["passes"].get(name, [])[:1]:
                if p["examples"]:
                    notes.append(
                        f"{name}, {n} thread(s): violations, first ones: {'; '.join(p['examples'])}"
                    )
        if [x["schema_id"] for x in res["inputs"]] != [x["schema_id"] for x in inputs]:
            notes.append(f"{n} thread(s): a different schema selection (nondeterministic compile)")
    lines += [
        "",
        "The batch shrinks as instances end, so most calls are small batches; by batch size "
        "(calls summed over the passes of each row):",
        "",
        *by_size(all_rows, len(inputs)),
    ]
    lines += ["", "Notes:", ""]
    lines.append("- Batch calls: " + "; ".join(f"{k}: `{v}`" for k, v in first["api"].items()))
    lines.append(
        "- Compile (untimed, schema selection included, first thread count): "
        + ", ".join(f"{k} {v:.1f} s" for k, v in first["compile_s"].items())
    )
    skipped = first["skipped"]
    lines.append(
        f"- Schemas passed over before the batch was full: {len(skipped)}"
        + (": " + "; ".join(skipped) if skipped else "")
    )
    lines.append("- Schemas: " + ", ".join(x["schema_id"] for x in inputs))
    lines += [f"- {x}" for x in notes]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--threads", help='comma-separated thread counts (default "1,2")')
    ap.add_argument("--tokenizer", default="llama3", help="under tests/data/tokenizers/")
    ap.add_argument("--batch", type=int, help="matchers (schemas) in the batch (default 64)")
    ap.add_argument("--repeats", type=int, help="walks per engine (default 3; first is cold)")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--quick", action="store_true", help="smoke run: batch 8, 1 repeat, 1 thread")
    ap.add_argument("--out", type=Path, help="write the report (markdown) here too")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.threads = args.threads or ("1" if args.quick else "1,2")
    args.batch = args.batch or (8 if args.quick else 64)
    args.repeats = args.repeats or (1 if args.quick else 3)
    for n in args.engines.split(","):
        if n not in MAKERS:
            ap.error(f"unknown engine {n!r} (known: {', '.join(ENGINES)})")
    if args.worker:
        worker(args)
        return 0
    t0, load = time.time(), os.getloadavg()[0]
    results = [run_worker(args, int(n)) for n in args.threads.split(",")]
    text = report(args, results, load, time.time() - t0)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    ok = all(
        p["violations"] == 0 and p["not_accepting"] == 0 and not p["error"]
        for res in results
        for ps in res["passes"].values()
        for p in ps
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
